import Testing
import NN

/// `ModuleSpec.validate` and `outputShape`: what a whole-model file's architecture may say.
@Suite struct ModuleSpecValidationTests {
    let mlp = ModuleSpec.sequential([.flatten(startDim: 1, endDim: -1), .linear(inFeatures: 784, outFeatures: 32, bias: true), .relu,
                                     .dropout(p: 0.2), .linear(inFeatures: 32, outFeatures: 10, bias: true), .softmax(dim: -1)])

    /// The message `body` throws, which must be a `ModuleSpecError`.
    func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            Issue.record("expected a ModuleSpecError")
        } catch let error as ModuleSpecError {
            return error.description
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return ""
    }

    @Test func aPlainMLPIsValidAndMapsImagesToClassScores() throws {
        try mlp.validate()
        #expect(mlp.parameterCount == 784 * 32 + 32 + 32 * 10 + 10)
        #expect(try mlp.outputShape(forInput: [64, 1, 28, 28]) == [64, 10])
        #expect(mlp.parameterCount == Sequential(Flatten(), Linear(784, 32), ReLU(), Dropout(p: 0.2), Linear(32, 10), Softmax(dim: -1)).parameters().reduce(0) { $0 + $1.count })
    }

    @Test func fieldsOutsideWhatTheLayerAcceptsAreNamed() {
        #expect(message { try ModuleSpec.sequential([.relu, .linear(inFeatures: 0, outFeatures: 3, bias: true)]).validate() }
                == "layer 1 (Linear): in_features is 0; it must be at least 1")
        #expect(message { try ModuleSpec.sequential([.sequential([.dropout(p: -0.5)])]).validate() }
                == "layer 0.0 (Dropout): p is -0.5; a dropout probability must be between 0 and 1")
        #expect(message { try ModuleSpec.dropout(p: .nan).validate() }.contains("the model (Dropout): p is nan"))
        #expect(message { try ModuleSpec.leakyRelu(negativeSlope: .infinity).validate() }.contains("negative_slope is inf"))
    }

    @Test func modelsLargerThanMemoryAreRefusedWithWhatTheyNeed() {
        let text = message { try ModuleSpec.linear(inFeatures: 1000, outFeatures: 1000, bias: false).validate(memoryLimit: 1_000_000) }
        #expect(text == "the model has 1000000 parameters, which need 4.0 MB for the weights alone; this machine has 1.0 MB of memory")
        let overflow = ModuleSpec.sequential([.linear(inFeatures: Int.max, outFeatures: 2, bias: true)])
        #expect(overflow.parameterCount == nil)
        #expect(message { try overflow.validate() }.contains("more parameters than a 64-bit integer can count"))
    }

    @Test func layersThatCannotTakeTheirInputAreNamed() throws {
        #expect(message { _ = try mlp.outputShape(forInput: [1, 3, 28, 28]) }.contains("layer 1 (Linear): in_features is 784 but its input has shape [1, 2352]"))
        #expect(message { _ = try ModuleSpec.flatten(startDim: 2, endDim: 1).outputShape(forInput: [1, 2, 3]) }.contains("start_dim 2 comes after end_dim 1"))
        #expect(message { _ = try ModuleSpec.flatten(startDim: 1, endDim: 7).outputShape(forInput: [1, 2, 3]) }.contains("end_dim 7 is out of range for its 3-d input"))
        #expect(message { _ = try ModuleSpec.softmax(dim: -3).outputShape(forInput: [4, 10]) }.contains("dim -3 is out of range"))
        #expect(try ModuleSpec.flatten(startDim: 0, endDim: -1).outputShape(forInput: [2, 3, 4]) == [24])
        #expect(try ModuleSpec.sequential([]).outputShape(forInput: [2, 5]) == [2, 5])
    }

    @Test func thePeakActivationIsTheLargestOutputOrTheInput() throws {
        #expect(try mlp.peakActivationCount(forInput: [1000, 1, 28, 28]) == 784_000)
        let wide = ModuleSpec.sequential([.linear(inFeatures: 4, outFeatures: 1_000_000, bias: true), .relu, .linear(inFeatures: 1_000_000, outFeatures: 10, bias: true)])
        #expect(try wide.peakActivationCount(forInput: [1000, 4]) == 1_000_000_000)
        let overflowing = ModuleSpec.sequential([.linear(inFeatures: 4, outFeatures: Int.max / 2, bias: true)])
        #expect(try overflowing.peakActivationCount(forInput: [1000, 4]) == Int.max)
    }
}
