import Testing
import Tensors

/// `Tensor.batchNorm`'s gradients against finite differences, and its argument errors.
@Suite struct BatchNormGradientTests {
    @Test func trainingGradientsForInputWeightAndBias() throws {
        // Inputs: x (N, C, H, W), weight [C], bias [C]; batch statistics depend on x.
        let inputs = [randomInput([3, 2, 2, 3], seed: 41), uniformInput([2], seed: 42, low: 0.5, high: 1.5),
                      randomInput([2], seed: 43)]
        try expectGradientsMatchFiniteDifferences(inputs) {
            try Tensor.batchNorm($0[0], runningMean: nil, runningVar: nil, weight: $0[1], bias: $0[2], training: true)
        }
    }

    @Test func trainingGradientsFor2DInputWithoutAffine() throws {
        let inputs = [randomInput([5, 3], seed: 44)]
        try expectGradientsMatchFiniteDifferences(inputs) {
            try Tensor.batchNorm($0[0], runningMean: nil, runningVar: nil, training: true)
        }
    }

    @Test func evaluationGradientsUseRunningStatistics() throws {
        let mean = Tensor(shape: [2], scalars: [0.3, -0.2])
        let variance = Tensor(shape: [2], scalars: [1.5, 0.7])
        let inputs = [randomInput([2, 2, 3], seed: 45), uniformInput([2], seed: 46, low: 0.5, high: 1.5),
                      randomInput([2], seed: 47)]
        try expectGradientsMatchFiniteDifferences(inputs) {
            try Tensor.batchNorm($0[0], runningMean: mean, runningVar: variance, weight: $0[1], bias: $0[2], training: false)
        }
        #expect(mean.scalars == [0.3, -0.2] && variance.scalars == [1.5, 0.7], "evaluation leaves the estimates alone")
    }

    @Test func recordsPyTorchsNodeName() throws {
        let x = randomInput([4, 2], seed: 48).requiresGrad_()
        let y = try Tensor.batchNorm(x, runningMean: nil, runningVar: nil, training: true)
        #expect(y.gradFn?.name == "NativeBatchNormBackward0")
    }

    @Test func trainingUpdatesRunningEstimatesInPlace() throws {
        // Channel 0 holds 1, 2, 3, 4: mean 2.5, unbiased variance 5/3.
        let x = Tensor(shape: [2, 1, 2], scalars: [1, 2, 3, 4])
        let mean = Tensor.zeros([1]), variance = Tensor.ones([1])
        let y = try Tensor.batchNorm(x, runningMean: mean, runningVar: variance, training: true, momentum: 0.5, eps: 0)
        #expect(abs(mean.item() - 1.25) < 1e-6)
        #expect(abs(variance.item() - (0.5 + 0.5 * 5 / 3)) < 1e-6)
        let sd = Float(1.25).squareRoot()   // biased variance 1.25 normalises
        for (got, want) in zip(y.scalars, [Float(1), 2, 3, 4].map { ($0 - 2.5) / sd }) { #expect(abs(got - want) < 1e-5) }
    }

    @Test func errorsUsePyTorchsWording() {
        let x = Tensor.zeros([2, 3, 4])
        #expect(throws: TensorError("running_mean should contain 3 elements not 4")) {
            try Tensor.batchNorm(x, runningMean: Tensor.zeros([4]), runningVar: Tensor.ones([4]), training: true)
        }
        #expect(throws: TensorError("weight should contain 3 elements not 2")) {
            try Tensor.batchNorm(x, runningMean: nil, runningVar: nil, weight: Tensor.ones([2]), training: true)
        }
        #expect(throws: TensorError("Expected more than 1 value per channel when training, got input size torch.Size([1, 3])")) {
            try Tensor.batchNorm(Tensor.zeros([1, 3]), runningMean: nil, runningVar: nil, training: true)
        }
    }
}
