import Foundation
import Testing
import NN
import Tensors
import TestSupport

/// `BatchNorm1d`/`BatchNorm2d` against PyTorch's `j_batchnorm` case (fixture `batchnorm-nn.json`):
/// three training steps (output, gradients, running estimates, `num_batches_tracked`), then
/// evaluation, for momentum 0.1, momentum None (cumulative average), affine=False and 1-d input,
/// in float32 and (a layer converted with `double()`) float64.
@Suite struct BatchNormTests {
    static let cases = Fixtures.load("batchnorm-nn")["cases"]

    /// The elements of a JSON array.
    static func items(_ value: JSONValue) -> [JSONValue] {
        guard case .array(let items) = value else { preconditionFailure("expected a JSON array") }
        return items
    }

    /// Runs one golden case's three training steps and its evaluation on `layer`, in `precision`.
    func replay(_ name: String, on layer: BatchNormBase, _ precision: Precision) throws {
        let golden = Self.cases[name][precision.rawValue]
        if precision == .float64 { layer.double() }
        if layer.affine {
            noGrad {
                layer.weight!.copy_(Golden.tensor(golden["weight"]))
                layer.bias!.copy_(Golden.tensor(golden["bias"]))
            }
        }
        for (s, step) in Self.items(golden["train_steps"]).enumerated() {
            layer.train()
            let x = Golden.tensor(step["input"], requiresGrad: true)
            let y = layer(x)
            #expect(y.dtype == precision.dtype)
            #expect(Golden.mismatch(y, step["output"]) == nil, "\(name) step \(s) output: \(Golden.mismatch(y, step["output"]) ?? "")")
            try y.backward(Golden.tensor(step["grad_output"]))
            let checks: [(String, Tensor?)] = [
                ("grad_input", x.grad), ("running_mean", layer.running_mean), ("running_var", layer.running_var),
                ("grad_weight", layer.weight?.grad), ("grad_bias", layer.bias?.grad),
            ]
            for (key, tensor) in checks where step.has(key) {
                let got = try #require(tensor, "\(name) step \(s): no \(key)")
                #expect(Golden.mismatch(got, step[key]) == nil, "\(name) step \(s) \(key): \(Golden.mismatch(got, step[key]) ?? "")")
            }
            #expect(layer.num_batches_tracked?.intItem() == Int(step["num_batches_tracked"].double!))
            #expect(layer.num_batches_tracked?.dtype == .int64)
            layer.zeroGrad()
        }
        layer.eval()
        let y = noGrad { layer(Golden.tensor(golden["eval_input"])) }
        #expect(Golden.mismatch(y, golden["eval_output"]) == nil, "\(name) eval: \(Golden.mismatch(y, golden["eval_output"]) ?? "")")
        let keys = Self.items(golden["state_dict_keys"]).map { $0.string! }
        #expect(layer.stateDict().keys == keys)
    }

    @Test(arguments: Precision.allCases)
    func batchNorm2dMatchesPyTorch(_ precision: Precision) throws { try replay("bn2d", on: BatchNorm2d(3), precision) }

    @Test(arguments: Precision.allCases)
    func cumulativeAverageWithoutMomentum(_ precision: Precision) throws {
        try replay("bn2d_cumulative", on: BatchNorm2d(3, momentum: nil), precision)
    }

    @Test(arguments: Precision.allCases)
    func withoutAffine(_ precision: Precision) throws {
        let layer = BatchNorm2d(2, affine: false)
        #expect(layer.parameters().isEmpty)
        try replay("bn2d_no_affine", on: layer, precision)
    }

    @Test(arguments: Precision.allCases)
    func batchNorm1dMatchesPyTorch(_ precision: Precision) throws { try replay("bn1d", on: BatchNorm1d(4), precision) }

    @Test func batchNorm1dNormalisesOverLengthToo() throws {
        // (N, C, L): channel statistics over N and L, so each channel's output has mean 0.
        let layer = BatchNorm1d(2, affine: false, trackRunningStats: false)
        let y = layer(randomTensor([3, 2, 5], seed: 3))
        let perChannel = try y.permute([1, 0, 2]).reshape([2, -1]).scalars
        for c in 0..<2 {
            let values = perChannel[(c * 15)..<((c + 1) * 15)]
            #expect(abs(values.reduce(0, +) / 15) < 1e-5)
            #expect(abs(values.map { $0 * $0 }.reduce(0, +) / 15 - 1) < 1e-3)
        }
    }

    @Test func initialStateAndBuffers() {
        let layer = BatchNorm2d(3)
        #expect(layer.weight?.scalars == [1, 1, 1] && layer.bias?.scalars == [0, 0, 0])
        #expect(layer.namedParameters().map(\.name) == ["weight", "bias"])
        #expect(layer.namedBuffers().map(\.name) == ["running_mean", "running_var", "num_batches_tracked"])
        #expect(layer.running_mean?.scalars == [0, 0, 0] && layer.running_var?.scalars == [1, 1, 1])
        #expect(layer.num_batches_tracked?.shape == [] && layer.num_batches_tracked?.dtype == .int64)
        #expect(layer.running_mean?.requiresGrad == false)
    }

    @Test func withoutRunningStatsEvaluationUsesTheBatch() {
        let layer = BatchNorm1d(3, trackRunningStats: false).eval()
        #expect(layer.namedBuffers().isEmpty)
        #expect(layer.stateDict().keys == ["weight", "bias"])
        // PyTorch: eval with no running estimates normalises with the batch → ±1.
        let y = noGrad { layer(Tensor(shape: [2, 3], scalars: [1, 2, 3, 3, 4, 8])) }
        for (got, want) in zip(y.scalars, [Float(-1), -1, -1, 1, 1, 1]) { #expect(abs(got - want) < 1e-3) }
    }

    @Test func evaluationDoesNotTouchRunningStats() {
        let layer = BatchNorm2d(2).eval()
        _ = noGrad { layer(randomTensor([2, 2, 3, 3], seed: 5)) }
        #expect(layer.running_mean?.scalars == [0, 0] && layer.running_var?.scalars == [1, 1])
        #expect(layer.num_batches_tracked?.intItem() == 0)
    }

    @Test func reprMatchesPyTorch() {
        #expect(BatchNorm2d(16).description == "BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)")
        #expect(BatchNorm1d(4, momentum: nil, affine: false, trackRunningStats: false).description
                == "BatchNorm1d(4, eps=1e-05, momentum=None, affine=False, bias=False, track_running_stats=False)")
        #expect(BatchNorm2d(3, eps: 1e-3, momentum: 0.25).description
                == "BatchNorm2d(3, eps=0.001, momentum=0.25, affine=True, bias=True, track_running_stats=True)")
    }

    @Test func wrongRankOrChannelCountGivesPyTorchsError() {
        #expect(throws: TensorError("expected 4D input (got 3D input)")) { try BatchNorm2d(3).check(Tensor.zeros([2, 3, 4])) }
        #expect(throws: TensorError("expected 2D or 3D input (got 4D input)")) { try BatchNorm1d(3).check(Tensor.zeros([2, 3, 4, 5])) }
        #expect(throws: TensorError("running_mean should contain 4 elements not 3")) { try BatchNorm2d(3).check(Tensor.zeros([2, 4, 4, 4])) }
        #expect(throws: Never.self) { try BatchNorm1d(3).check(Tensor.zeros([2, 3])) }
    }

    @Test func trainAndEvalReachNestedChildren() {
        let inner = Sequential(Linear(2, 3), BatchNorm1d(3))
        let outer = Sequential(inner, BatchNorm1d(3))
        outer.eval()
        #expect(outer.modules().allSatisfy { !$0.isTraining })
        outer.train()
        #expect(outer.modules().allSatisfy { $0.isTraining })
    }

    func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor { Tensor.randn(shape, generator: Generator(seed: seed)) }
}
