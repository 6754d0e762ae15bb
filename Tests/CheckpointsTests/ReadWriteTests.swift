import Foundation
import Testing
import Checkpoints
import NN
import Tensors
import TestSupport

/// Reading what PyTorch wrote, writing what PyTorch reads, and round trips between formats.
@Suite struct ReadWriteTests {
    /// The MLP the golden files hold.
    static func mlp() -> Sequential { Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 10)) }

    /// The first `count` (at most 8) Fashion-MNIST test images as [count, 28, 28] floats in [0, 1].
    static func firstTestImages(_ count: Int = 3) throws -> Tensor {
        let bytes = try Data(contentsOf: Fixtures.url("first8-test-images.u8")).prefix(count * 784)
        return Tensor(shape: [count, 28, 28], scalars: bytes.map { Float($0) / 255 })
    }

    @Test(arguments: ["mlp_seed1.pth", "mlp_seed1.safetensors"])
    func importedWeightsReproducePyTorchsLogits(file: String) throws {
        let golden = Fixtures.json("mlp_seed1.json")
        let model = Self.mlp()
        try model.loadStateDict(from: Fixtures.url(file))
        let logits = noGrad { model(try! Self.firstTestImages()) }
        #expect(Golden.mismatch(logits, golden["logits_float32"]) == nil)
        #expect(try logits.argmax(dim: 1).int64Scalars == [3, 5, 5])
        #expect(model.stateDict().keys == ["1.weight", "1.bias", "3.weight", "3.bias"])
    }

    /// The imported float32 weights and images converted to float64 (`model.double()`) give
    /// PyTorch's float64 logits within the float64 tolerance.
    @Test func importedWeightsInFloat64ReproducePyTorchsFloat64Logits() throws {
        let golden = Fixtures.json("mlp_seed1.json")
        let model = Self.mlp()
        try model.loadStateDict(from: Fixtures.url("mlp_seed1.safetensors"))
        model.double()
        let logits = noGrad { model(try! Self.firstTestImages().double()) }
        #expect(logits.dtype == .float64)
        #expect(Golden.mismatch(logits, golden["logits_float64_from_float32_weights"]) == nil)
    }

    @Test func bothGoldenFilesHoldTheSameTensors() throws {
        let pth = try Checkpoint.read(from: Fixtures.url("mlp_seed1.pth"))
        let safetensors = try Checkpoint.read(from: Fixtures.url("mlp_seed1.safetensors"))
        #expect(pth.records.map(\.name) == ["1.weight", "1.bias", "3.weight", "3.bias"])
        for record in pth.records {
            #expect(safetensors.records.first { $0.name == record.name } == record)
        }
    }

    @Test(arguments: ["mixed.pth", "mixed.safetensors"])
    func stridedSharedAndTypedTensorsReadCorrectly(file: String) throws {
        let expected = Fixtures.json("mixed.json")
        let checkpoint = try Checkpoint.read(from: Fixtures.url(file))
        #expect(Set(checkpoint.records.map(\.name)) == Set(expected.keys))
        for record in checkpoint.records {
            let want = expected[record.name]
            #expect(record.shape == Golden.shapeOf(want), "\(record.name)")
            let values = record.doubles()
            let reference = Golden.values(want)
            #expect(values.count == reference.count)
            // float64 must survive exactly; float32 values are exact decimals of floats.
            #expect(values == reference, "\(record.name)")
        }
        #expect(checkpoint.records.first { $0.name == "float64" }?.type == .f64)
        #expect(checkpoint.records.first { $0.name == "int64" }?.type == .i64)
        if file.hasSuffix(".safetensors") { #expect(checkpoint.metadata["source"] == "make_checkpoints.py") }
    }

    @Test(arguments: ["out.safetensors", "out.pth"])
    func roundTripKeepsEveryByte(name: String) throws {
        let directory = Fixtures.temporaryDirectory()
        let original = try Checkpoint.read(from: Fixtures.url("mixed.pth"))
        let url = directory.appendingPathComponent(name)
        try original.write(to: url)
        let again = try Checkpoint.read(from: url)
        #expect(again.records == original.records)
        // Nothing but the file itself is left in the folder (the temporary file was renamed).
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [name])
    }

    @Test func modelStateDictRoundTripsThroughBothFormats() throws {
        let directory = Fixtures.temporaryDirectory()
        manualSeed(4)
        let source = Self.mlp()
        for name in ["m.safetensors", "m.pth"] {
            let url = directory.appendingPathComponent(name)
            try source.saveStateDict(to: url)
            let target = Self.mlp()
            try target.loadStateDict(from: url)
            for (a, b) in zip(source.parameters(), target.parameters()) { #expect(a.scalars == b.scalars) }
        }
    }

    /// A float64 model's state dict is written as F64 (every bit kept) and read back as float64.
    @Test(arguments: ["d.safetensors", "d.pth"])
    func float64StateDictsKeepEveryBit(name: String) throws {
        let url = Fixtures.temporaryDirectory().appendingPathComponent(name)
        let source = Sequential(Linear(3, 2), BatchNorm1d(2)).double()
        noGrad { source.parameters()[0].mul_(1.0 / 3) }   // values no float32 holds
        try source.saveStateDict(to: url)
        let records = try Checkpoint.read(from: url).records
        #expect(records.filter { $0.name != "1.num_batches_tracked" }.allSatisfy { $0.type == .f64 })
        #expect(records.first { $0.name == "0.weight" }?.tensor().dtype == .float64)
        let target = Sequential(Linear(3, 2), BatchNorm1d(2)).double()
        try target.loadStateDict(from: url)
        for (a, b) in zip(source.stateDict().entries.map(\.tensor), target.stateDict().entries.map(\.tensor)) {
            #expect(a.dtype == b.dtype && a.float64Scalars == b.float64Scalars)
        }
    }

    @Test func wholeModelFileRebuildsTheArchitecture() throws {
        let url = Fixtures.temporaryDirectory().appendingPathComponent("model.safetensors")
        let model = Sequential(Flatten(), Linear(784, 32), LeakyReLU(negativeSlope: 0.2), Dropout(p: 0.1), Linear(32, 10, bias: false))
        try ModelFile.save(model, to: url)
        let loaded = try ModelFile.load(from: url)
        #expect(loaded.description == model.description)
        let x = try Self.firstTestImages()
        model.eval()
        loaded.eval()
        #expect(noGrad { loaded(x).scalars } == noGrad { model(x).scalars })
    }

    @Test func customModulesCannotBeSavedAsWholeModels() {
        final class Custom: Module {
            let fc = Linear(2, 1)
            override func forward(_ x: Tensor) -> Tensor { fc(x) }
        }
        let url = Fixtures.temporaryDirectory().appendingPathComponent("custom.safetensors")
        let error = #expect(throws: CheckpointError.self) { try ModelFile.save(Custom(), to: url) }
        #expect(error?.problem.contains("Custom is a custom module") == true)
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test func weightsOnlyFileIsNotAWholeModel() {
        let error = #expect(throws: CheckpointError.self) { try ModelFile.load(from: Fixtures.url("mlp_seed1.safetensors")) }
        #expect(error?.problem.contains("weights only") == true)
    }
}
