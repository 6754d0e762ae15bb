import Foundation
import Testing
import Checkpoints
import NN
import Tensors

/// Buffers (batch norm's running estimates and int64 `num_batches_tracked`) in checkpoint files.
@Suite struct BufferCheckpointTests {
    /// A small network with buffers, trained for two batches so the buffers are not initial.
    static func trainedNetwork() -> Sequential {
        let net = Sequential(Linear(3, 4, generator: Generator(seed: 7)), BatchNorm1d(4), ReLU())
        for seed in [1, 2] as [UInt64] { _ = net(Tensor.randn([5, 3], generator: Generator(seed: seed))) }
        return net
    }

    @Test(arguments: ["bn.safetensors", "bn.pth"])
    func buffersRoundTrip(name: String) throws {
        let url = Fixtures.temporaryDirectory().appendingPathComponent(name)
        let source = Self.trainedNetwork()
        try source.saveStateDict(to: url)

        let checkpoint = try Checkpoint.read(from: url)
        #expect(checkpoint.records.map(\.name) == ["0.weight", "0.bias", "1.weight", "1.bias",
                                                   "1.running_mean", "1.running_var", "1.num_batches_tracked"])
        #expect(checkpoint.records.first { $0.name == "1.num_batches_tracked" }?.type == .i64)

        let target = Sequential(Linear(3, 4), BatchNorm1d(4), ReLU())
        try target.loadStateDict(from: url)
        let bn = try #require(target[1] as? BatchNorm1d)
        #expect(bn.num_batches_tracked?.dtype == .int64)
        #expect(bn.num_batches_tracked?.intItem() == 2)
        for ((name, a), (_, b)) in zip(source.stateDict(), target.stateDict()) {
            #expect(a.scalars == b.scalars, "\(name)")
        }
    }

    @Test func pyTorchBatchNormBuffersLoad() throws {
        // torch.save of the l_cnn model's state dict: conv, BatchNorm2d(16), ..., after one SGD step.
        let saved = try Checkpoint.read(from: Fixtures.url("cnn_seed1.pth")).stateDict()
        #expect(Array(saved.keys.prefix(7)) == ["0.weight", "0.bias", "1.weight", "1.bias",
                                               "1.running_mean", "1.running_var", "1.num_batches_tracked"])
        let prefix = "1."
        let entries = saved.entries.filter { $0.name.hasPrefix(prefix) }.map { (name: String($0.name.dropFirst(prefix.count)), tensor: $0.tensor) }
        let bn = BatchNorm2d(16)
        try bn.loadStateDict(StateDict(entries))
        #expect(bn.num_batches_tracked?.dtype == .int64 && bn.num_batches_tracked?.intItem() == 1)
        #expect(bn.running_mean?.scalars == saved["1.running_mean"]?.scalars)
        #expect(bn.running_var?.scalars == saved["1.running_var"]?.scalars)
        #expect(bn.running_mean?.scalars != Array(repeating: 0, count: 16), "one training step moved the running mean")
    }
}
