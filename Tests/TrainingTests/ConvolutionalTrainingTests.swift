import Foundation
import Testing
import Checkpoints
import NN
import Tensors
import Telemetry
import Training

/// The `cnn` and `lenet` presets: they train, keep batch-norm statistics, save whole-model
/// files and take initialisations as PyTorch's layers would.
@Suite struct ConvolutionalTrainingTests {
    @Test(arguments: [ModelPreset.cnn, .lenet])
    func theConvolutionalPresetsLearn(preset: ModelPreset) throws {
        var config = SyntheticData.config(epochs: 2)
        config.model = preset
        config.keepAliveWhenFinished = true
        let controller = try TrainerController.start(config)
        let events = try #require(controller.events { $0 == .finished })
        controller.send(.stop)
        controller.join()
        let results = events.compactMap { if case .epochFinished(let r) = $0 { r } else { nil } }
        #expect(results.count == 2)
        #expect(results.last!.testAccuracy > 0.8, "\(preset)")
        let losses = controller.allLosses
        #expect(losses.suffix(5).reduce(0, +) < losses.prefix(5).reduce(0, +))
    }

    @Test func theCNNPresetIsPyTorchsSequentialAndSavesItsBuffers() throws {
        // PyTorch 2.15 prints these lines for the same nn.Sequential.
        #expect(ModelPreset.cnn.spec.makeModule().description == """
            Sequential(
              (0): Conv2d(1, 16, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
              (1): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
              (2): ReLU()
              (3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
              (4): Conv2d(16, 32, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
              (5): BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
              (6): ReLU()
              (7): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
              (8): Flatten(start_dim=1, end_dim=-1)
              (9): Linear(in_features=1568, out_features=10, bias=True)
            )
            """)
        #expect(try ModelPreset.lenet.spec.outputShape(forInput: [3, 1, 28, 28]) == [3, 10])
        #expect(ModelPreset.lenet.spec.parameterCount == 61_706)  // LeNet-5's well-known count with 28×28 padded input

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tensortop-cnn-\(UUID().uuidString)")
        var config = SyntheticData.config()
        config.model = .cnn
        config.startPaused = true
        config.checkpointFolder = folder.path
        let controller = try TrainerController.start(config)
        _ = controller.acknowledge(.step(3))
        #expect(controller.snapshot { $0.state == .paused && $0.step == 3 } != nil)
        #expect(controller.acknowledge(.save(path: nil))?.applied == true)
        controller.send(.stop)
        controller.join()
        let model = try ModelFile.load(from: folder.appendingPathComponent("step-000003.safetensors"))
        #expect(try ModuleSpec(describing: model) == ModelPreset.cnn.spec)
        let state = model.stateDict()
        #expect(state["1.num_batches_tracked"]?.intItem() == 3)
        #expect(state["1.running_mean"]?.scalars.allSatisfy { $0 == 0 } == false)
    }

    @Test func initialisationFollowsEachLayersRules() throws {
        var config = SyntheticData.config()
        config.model = .cnn
        config.startPaused = true
        let controller = try TrainerController.start(config)
        _ = controller.acknowledge(.requestSnapshot)
        func initialization(_ name: String) -> InitRecord? {
            controller.latestSnapshot()?.parameters.first { $0.name == name }?.initialization
        }
        // PyTorch's defaults: conv bias ±1/√(1·5·5), batch-norm weight 1 and bias 0.
        guard case .uniform(let low, let high)? = initialization("0.bias")?.spread else { Issue.record("no uniform spread"); return }
        #expect(abs(high - 0.2) < 1e-9 && low == -high)
        #expect(initialization("1.weight")?.spread == .constant(1))
        #expect(initialization("1.bias")?.spread == .constant(0))

        let xavier = InitChoice(name: "xavier_uniform_")
        #expect(controller.acknowledge(.reinitialize(parameter: nil, method: xavier))?.applied == true)
        _ = controller.acknowledge(.requestSnapshot)
        #expect(initialization("4.weight")?.method.name == "xavier_uniform_")
        #expect(initialization("4.bias")?.spread == .constant(0))
        #expect(initialization("5.weight")?.spread == .constant(1))  // a batch-norm scale stays 1, not 0

        let dirac = InitChoice(name: "dirac_")
        #expect(controller.acknowledge(.reinitialize(parameter: "4.weight", method: dirac))?.applied == true)
        _ = controller.acknowledge(.requestSnapshot)
        #expect(initialization("4.weight")?.method.name == "dirac_")
        #expect(controller.acknowledge(.reset)?.applied == true)
        _ = controller.acknowledge(.requestSnapshot)
        #expect(initialization("1.weight")?.spread == .constant(1))
        controller.send(.stop)
        controller.join()
    }
}
