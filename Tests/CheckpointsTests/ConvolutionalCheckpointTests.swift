import Foundation
import Testing
import Checkpoints
import NN
import Tensors
import TestSupport

/// The small CNN PyTorch saved (`l_cnn` of the conv reference values): its state dict with
/// batch-norm buffers loads from both formats and gives PyTorch's logits, and whole-model
/// files carry convolutional architectures.
@Suite struct ConvolutionalCheckpointTests {
    /// PyTorch's `nn.Sequential` of case `l_cnn`, as a description.
    static let spec = ModuleSpec.sequential([
        .convolution(1, 16, kernel: 5, padding: 2), .batchNorm2d(settings: BatchNormSettings(numFeatures: 16)), .relu, .maxPooling(2),
        .convolution(16, 32, kernel: 5, padding: 2), .batchNorm2d(settings: BatchNormSettings(numFeatures: 32)), .relu, .maxPooling(2),
        .flatten(startDim: 1, endDim: -1), .linear(inFeatures: 1568, outFeatures: 10, bias: true),
    ])

    static func images() throws -> Tensor {
        try ReadWriteTests.firstTestImages(8).reshape([8, 1, 28, 28])
    }

    @Test(arguments: ["cnn_seed1.pth", "cnn_seed1.safetensors"])
    func pyTorchsCNNGivesItsLogitsInEvalMode(file: String) throws {
        let golden = Fixtures.json("cnn_seed1.json")
        let model = Self.spec.makeModule()
        try model.loadStateDict(from: Fixtures.url(file))
        #expect(model.stateDict().keys == golden["state_dict_keys"].elements.map { $0.string ?? "" })
        let logits = noGrad { model.eval()(try! Self.images()) }
        #expect(Golden.mismatch(logits, golden["eval_logits_float32"]) == nil)
        #expect(model.stateDict()["1.num_batches_tracked"]?.dtype == .int64)
        #expect(model.stateDict()["5.num_batches_tracked"]?.intItem() == 1)
    }

    @Test func theDescriptionGivesPyTorchsLayerShapes() throws {
        let golden = Fixtures.json("cnn_seed1.json")["layer_output_shapes"].elements
        guard case .sequential(let layers) = Self.spec else { Issue.record("not a Sequential"); return }
        var shape = [8, 1, 28, 28]
        for (layer, expected) in zip(layers, golden) {
            shape = try layer.outputShape(forInput: shape)
            #expect(layer.typeName == expected.elements[0].string)
            #expect(shape == expected.elements[1].flattened.map { Int($0) }, "\(layer.typeName)")
        }
        #expect(layers.count == golden.count)
    }

    @Test func aWholeModelFileKeepsTheConvolutionalArchitectureAndBuffers() throws {
        let model = Self.spec.makeModule()
        try model.loadStateDict(from: Fixtures.url("cnn_seed1.pth"))
        let url = Fixtures.temporaryDirectory().appendingPathComponent("cnn.safetensors")
        try ModelFile.save(model, to: url)
        let loaded = try ModelFile.load(from: url)
        #expect(try ModuleSpec(describing: loaded) == Self.spec)
        #expect(loaded.description == model.description)
        for ((name, a), (otherName, b)) in zip(model.stateDict(), loaded.stateDict()) {
            #expect(name == otherName)
            #expect(a.dtype == b.dtype && a.shape == b.shape, "\(name)")
            #expect(a.dtype == .int64 ? a.int64Scalars == b.int64Scalars : a.scalars == b.scalars, "\(name)")
        }
        let x = try Self.images()
        #expect(noGrad { model.eval()(x).scalars == loaded.eval()(x).scalars })
    }

    @Test func ourCNNStateDictReadsBackFromPyTorchsFormat() throws {
        let model = Self.spec.makeModule()
        _ = model(try Self.images())  // a training-mode step moves the running statistics
        let url = Fixtures.temporaryDirectory().appendingPathComponent("cnn.pth")
        try model.saveStateDict(to: url)
        let again = Self.spec.makeModule()
        try again.loadStateDict(from: url)
        #expect(again.stateDict()["1.running_mean"]?.scalars == model.stateDict()["1.running_mean"]?.scalars)
        #expect(again.stateDict()["1.num_batches_tracked"]?.intItem() == 1)
    }
}
