import Testing
@testable import Tensors

/// `gradcheck` (PyTorch's defaults: eps 1e-6, atol 1e-5, rtol 1e-3) on the float64 ops, and
/// the ways it fails: a wrong gradient, a non-reentrant backward, inputs it cannot check.
@Suite struct GradcheckTests {
    /// A seeded standard-normal float64 leaf that requires a gradient.
    func input(_ shape: [Int], seed: UInt64) -> Tensor {
        Tensor.randn(shape, generator: Generator(seed: seed)).double().requiresGrad_()
    }

    /// A seeded float64 leaf in [low, high) that requires a gradient.
    func input(_ shape: [Int], seed: UInt64, low: Float, high: Float) -> Tensor {
        (Tensor.rand(shape, generator: Generator(seed: seed)) * (high - low) + low).double().requiresGrad_()
    }

    @Test func elementwiseOps() throws {
        let (a, b) = (input([3, 1, 4], seed: 1), input([2, 1], seed: 2))
        let positive = input([2, 3], seed: 3, low: 0.5, high: 2)
        #expect(try gradcheck({ $0[0] * $0[1] + $0[0] / ($0[1].exp() + 1) - $0[1] }, [a, b]))
        #expect(try gradcheck({ 3 / $0[0] + $0[0].pow(1.5) + $0[0].log() + $0[0].sqrt() * 2.5 - 1 }, [positive]))
        #expect(try gradcheck({ $0[0].tanh() + $0[0].sigmoid() + $0[0].relu() + $0[0].leakyRelu(0.2) + $0[0].abs() }, [a]))
        #expect(try gradcheck({ $0[0].clamp(min: -0.5, max: 0.5) - $0[0] }, [b]))
    }

    @Test func reductionsAndMovement() throws {
        let x = input([2, 3, 4], seed: 4)
        #expect(try gradcheck({ try $0[0].sum(dims: [0, 2], keepdim: true) + $0[0].mean() }, [x]))
        #expect(try gradcheck({ try $0[0].max(dim: 1).values * $0[0].min(dim: 2).values.sum() }, [x]))
        #expect(try gradcheck({ try $0[0].permute([2, 0, 1]).reshape([4, 6]).t() }, [x]))
    }

    @Test func matrixProducts() throws {
        let (a, b) = (input([3, 4], seed: 5), input([4, 2], seed: 6))
        #expect(try gradcheck({ $0[0].matmul($0[1]) }, [a, b]))
        let (x, y) = (input([2, 3, 4], seed: 7), input([2, 4, 5], seed: 8))
        #expect(try gradcheck({ $0[0].matmul($0[1]) }, [x, y]))
        let bias = input([2], seed: 9)
        #expect(try gradcheck({ Tensor.linear($0[0], weight: $0[1].t(), bias: $0[2]) }, [a, b, bias]))
    }

    @Test func softmaxAndLogSoftmax() throws {
        let x = input([2, 3, 4], seed: 10)
        for dim in [0, 1, -1] {
            #expect(try gradcheck({ try $0[0].softmax(dim: dim) }, [x]))
            #expect(try gradcheck({ try $0[0].logSoftmax(dim: dim) }, [x]))
        }
    }

    @Test(arguments: Reduction.allCases)
    func crossEntropyWithItsOptions(_ reduction: Reduction) throws {
        let logits = input([4, 3], seed: 11)
        let targets = Tensor(shape: [4], int64Scalars: [0, 2, 1, 2])
        let weight = Tensor(shape: [3], float64Scalars: [0.2, 1.0, 0.7])
        #expect(try gradcheck({ Tensor.crossEntropy($0[0], targets, reduction: reduction) }, [logits]))
        #expect(try gradcheck({
            Tensor.crossEntropy($0[0], targets, weight: weight, ignoreIndex: 1, labelSmoothing: 0.1, reduction: reduction)
        }, [logits]))
        let probabilities = try input([4, 3], seed: 12).detach().softmax(dim: 1)
        #expect(try gradcheck({
            Tensor.crossEntropy($0[0], probabilities: probabilities, weight: weight, labelSmoothing: 0.2, reduction: reduction)
        }, [logits]))
        #expect(try gradcheck({ Tensor.nllLoss(try $0[0].logSoftmax(dim: 1), targets, weight: weight, reduction: reduction) }, [logits]))
    }

    @Test func convolution() throws {
        let (x, w, b) = (input([2, 4, 5, 6], seed: 13), input([6, 2, 3, 2], seed: 14), input([6], seed: 15))
        #expect(try gradcheck({
            try Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1, dilation: [1, 2], groups: 2)
        }, [x, w, b]))
        #expect(try gradcheck({ try Tensor.pad2d($0[0], top: 1, bottom: 2, left: 2, right: 0, mode: .reflect) }, [x]))
    }

    @Test func pooling() throws {
        // Distinct, well-separated values: no nudge of 1e-6 changes a window's maximum.
        let n = 2 * 2 * 7 * 6
        let x = Tensor(shape: [2, 2, 7, 6], float64Scalars: (0..<n).map { Double(($0 * 37) % n) * 0.1 }).requiresGrad_()
        #expect(try gradcheck({ try $0[0].maxPool2d(kernelSize: 3, stride: 2, padding: 1) }, [x]))
        #expect(try gradcheck({ try $0[0].adaptiveMaxPool2d((3, 4)) }, [x]))
        #expect(try gradcheck({ try $0[0].avgPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false) }, [x]))
        #expect(try gradcheck({ try $0[0].adaptiveAvgPool2d((4, 5)) }, [x]))
    }

    @Test func batchNorm() throws {
        let (x, w, b) = (input([3, 2, 2, 3], seed: 16), input([2], seed: 17, low: 0.5, high: 1.5), input([2], seed: 18))
        #expect(try gradcheck({
            try Tensor.batchNorm($0[0], runningMean: nil, runningVar: nil, weight: $0[1], bias: $0[2], training: true)
        }, [x, w, b]))
        let (mean, variance) = (Tensor(shape: [2], float64Scalars: [0.3, -0.2]), Tensor(shape: [2], float64Scalars: [1.5, 0.7]))
        #expect(try gradcheck({
            try Tensor.batchNorm($0[0], runningMean: mean, runningVar: variance, weight: $0[1], bias: $0[2], training: false)
        }, [x, w, b]))
    }

    @Test func severalOutputsAndInputsWithoutGradients() throws {
        let (x, constant) = (input([3], seed: 19), Tensor(shape: [3], float64Scalars: [1, 2, 3]))
        #expect(try gradcheck({ [$0[0] * $0[1], $0[0].exp().sum(), $0[0]] }, [x, constant]))
        #expect(x.grad == nil, "the inputs' own gradients are left alone")
    }

    // MARK: Failures

    /// x² recorded with a gradient off by 1% on every element but the first: a wrong custom gradient.
    func wrongSquare(_ x: Tensor) -> Tensor {
        Tensor.record(noGrad { x * x }, name: "WrongSquareBackward", inputs: [x]) { g in
            [g * x * Tensor(shape: x.shape, float64Scalars: (0..<x.count).map { $0 == 0 ? 2 : 2.02 })]
        }
    }

    @Test func aWrongGradientFailsNamingTheInputAndTheWorstElement() throws {
        let (c, x) = (input([2], seed: 20), Tensor(shape: [3], float64Scalars: [1, -3, 2]).requiresGrad_())
        let error = try #require(throws: GradcheckError.self) {
            try gradcheck({ $0[0].sum() + self.wrongSquare($0[1]) }, [c, x])
        }
        #expect(error.outputIndex == 0 && error.inputIndex == 1)
        let worst = try #require(error.worst)
        // The largest error is at the largest |x|: x[1] = -3, d(x²)/dx = -6, backward says -6.06.
        #expect(worst.inputElement == 1 && worst.outputElement == 1)
        #expect(abs(worst.numerical + 6) < 1e-6 && abs(worst.analytical + 6.06) < 1e-12)
        #expect(error.message.hasPrefix("Jacobian mismatch for output 0 with respect to input 1,\nnumerical:tensor([[ 2.0000,  0.0000,  0.0000],"))
        #expect(error.message.contains("\nanalytical:tensor([[ 2.0000,  0.0000,  0.0000],\n        [-0.0000, -6.0600, -0.0000],"))
        #expect(error.message.contains("worst element: output 0 element 1 with respect to input 1 element 1"))
        #expect(try gradcheck({ self.wrongSquare($0[0]) }, [x], raiseException: false) == false)
        #expect(try gradcheck({ self.wrongSquare($0[0]) }, [x], rtol: 0.02))
    }

    @Test func aBackwardThatChangesFromRunToRunFails() throws {
        let calls = Counter()
        let x = input([2], seed: 21)
        let error = try #require(throws: GradcheckError.self) {
            try gradcheck({ x in
                Tensor.record(noGrad { x[0] * 2 }, name: "DriftingBackward", inputs: [x[0]]) { g in
                    calls.value += 1
                    return [g * Tensor(float64: 2 + Double(calls.value) * 1e-9)]
                }
            }, [x])
        }
        #expect(error.message.hasPrefix("Backward is not reentrant"))
    }

    @Test func inputsItCannotCheckAreRefused() throws {
        let float32 = Tensor.randn([2], generator: Generator(seed: 22)).requiresGrad_()
        let error = try #require(throws: GradcheckError.self) { try gradcheck({ $0[0].exp() }, [float32]) }
        #expect(error.inputIndex == 0)
        #expect(error.message.hasPrefix("Input #0 requires gradient and is not a double precision floating point"))
        let none = try #require(throws: GradcheckError.self) {
            try gradcheck({ $0[0].exp() }, [Tensor(shape: [2], float64Scalars: [1, 2])])
        }
        #expect(none.message.hasPrefix("gradcheck expects at least one input tensor to require gradient"))
    }

    /// A mutable count shared with a backward closure.
    final class Counter { var value = 0 }
}
