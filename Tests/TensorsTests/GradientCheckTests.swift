import Testing
import Tensors

/// Every differentiable op, checked against finite differences.
@Suite struct GradientCheckTests {
    @Test func arithmeticWithBroadcasting() throws {
        let inputs = [randomInput([3, 1, 4], seed: 1), randomInput([2, 1], seed: 2)]
        try expectGradientsMatchFiniteDifferences(inputs) { $0[0] + $0[1] }
        try expectGradientsMatchFiniteDifferences(inputs) { $0[0] - $0[1] }
        try expectGradientsMatchFiniteDifferences(inputs) { $0[0] * $0[1] }
        let denominators = [randomInput([3, 1, 4], seed: 3), uniformInput([2, 1], seed: 4, low: 1, high: 2)]
        try expectGradientsMatchFiniteDifferences(denominators) { $0[0] / $0[1] }
    }

    @Test func arithmeticWithScalars() throws {
        let x = [uniformInput([5], seed: 5, low: 0.5, high: 2)]
        try expectGradientsMatchFiniteDifferences(x) { 3 + $0[0] - 1 }
        try expectGradientsMatchFiniteDifferences(x) { 2 - $0[0] }
        try expectGradientsMatchFiniteDifferences(x) { 2.5 * $0[0] / 4 }
        try expectGradientsMatchFiniteDifferences(x) { 3 / $0[0] }
        try expectGradientsMatchFiniteDifferences(x) { -$0[0] }
    }

    @Test func powExpLogSqrt() throws {
        let positive = [uniformInput([2, 3], seed: 6, low: 0.5, high: 2)]
        try expectGradientsMatchFiniteDifferences(positive) { $0[0].pow(3) }
        try expectGradientsMatchFiniteDifferences(positive) { $0[0].pow(0.5) }
        try expectGradientsMatchFiniteDifferences(positive) { $0[0].pow(-1.5) }
        try expectGradientsMatchFiniteDifferences(positive) { $0[0].exp() }
        try expectGradientsMatchFiniteDifferences(positive) { $0[0].log() }
        try expectGradientsMatchFiniteDifferences(positive) { $0[0].sqrt() }
    }

    @Test func activations() throws {
        let x = [randomInput([4, 3], seed: 7)]
        try expectGradientsMatchFiniteDifferences(x) { $0[0].abs() }
        try expectGradientsMatchFiniteDifferences(x) { $0[0].relu() }
        try expectGradientsMatchFiniteDifferences(x) { $0[0].leakyRelu(0.2) }
        try expectGradientsMatchFiniteDifferences(x) { $0[0].sigmoid() }
        try expectGradientsMatchFiniteDifferences(x) { $0[0].tanh() }
        try expectGradientsMatchFiniteDifferences(x) { $0[0].clamp(min: -0.5, max: 0.5) }
    }

    @Test func softmaxAndLogSoftmax() throws {
        let x = [randomInput([2, 3, 4], seed: 8)]
        for dim in [0, 1, -1] {
            try expectGradientsMatchFiniteDifferences(x) { try $0[0].softmax(dim: dim) }
            try expectGradientsMatchFiniteDifferences(x) { try $0[0].logSoftmax(dim: dim) }
        }
    }

    @Test func reductions() throws {
        let x = [randomInput([2, 3, 4], seed: 9)]
        try expectGradientsMatchFiniteDifferences(x) { $0[0].sum() }
        try expectGradientsMatchFiniteDifferences(x) { $0[0].mean() }
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].sum(dim: 1) }
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].sum(dims: [0, 2], keepdim: true) }
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].mean(dim: -1, keepdim: true) }
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].max(dim: 1).values }
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].min(dim: 2, keepdim: true).values }
        try expectGradientsMatchFiniteDifferences(x) { $0[0].max() }
        try expectGradientsMatchFiniteDifferences(x) { $0[0].min() }
    }

    @Test func matrixProducts() throws {
        let a = randomInput([3, 4], seed: 10), b = randomInput([4, 2], seed: 11)
        try expectGradientsMatchFiniteDifferences([a, b]) { $0[0].matmul($0[1]) }
        try expectGradientsMatchFiniteDifferences([a, randomInput([2, 4], seed: 12)]) { $0[0].matmul($0[1].t()) }
        try expectGradientsMatchFiniteDifferences([randomInput([2, 3, 4], seed: 13), randomInput([2, 4, 5], seed: 14)]) {
            $0[0].matmul($0[1])
        }
        try expectGradientsMatchFiniteDifferences([randomInput([2, 3, 4], seed: 15), b]) { $0[0].matmul($0[1]) }
        try expectGradientsMatchFiniteDifferences([randomInput([4], seed: 16), b]) { $0[0].matmul($0[1]) }
        try expectGradientsMatchFiniteDifferences([a, randomInput([4], seed: 17)]) { $0[0].matmul($0[1]) }
        try expectGradientsMatchFiniteDifferences([randomInput([4], seed: 18), randomInput([4], seed: 19)]) { $0[0].matmul($0[1]) }
    }

    @Test func fusedLinearAndAddmm() throws {
        let x = randomInput([5, 4], seed: 20), w = randomInput([3, 4], seed: 21), b = randomInput([3], seed: 22)
        try expectGradientsMatchFiniteDifferences([x, w, b]) { Tensor.linear($0[0], weight: $0[1], bias: $0[2]) }
        try expectGradientsMatchFiniteDifferences([x, w]) { Tensor.linear($0[0], weight: $0[1], bias: nil) }
        try expectGradientsMatchFiniteDifferences([randomInput([2, 5, 4], seed: 23), w, b]) {
            Tensor.linear($0[0], weight: $0[1], bias: $0[2])
        }
        try expectGradientsMatchFiniteDifferences([b, x, randomInput([4, 3], seed: 24)]) { Tensor.addmm($0[0], $0[1], $0[2]) }
    }

    @Test func crossEntropy() throws {
        let target = Tensor([2, 0, 1, 1])
        for reduction in Reduction.allCases {
            try expectGradientsMatchFiniteDifferences([randomInput([4, 3], seed: 25)]) {
                Tensor.crossEntropy($0[0], target, reduction: reduction)
            }
        }
    }

    @Test func viewsAndMovement() throws {
        let x = [randomInput([2, 3, 4], seed: 26)]
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].transpose(0, 2) * 1.5 }
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].permute([1, 2, 0]).reshape([3, 8]) }
        try expectGradientsMatchFiniteDifferences(x) { $0[0].flatten(startDim: 1) }
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].view([4, 6]) }
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].unsqueeze(1).squeeze() }
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].sum(dim: 1, keepdim: true).expand([2, 5, 4]) }
        try expectGradientsMatchFiniteDifferences(x) { $0[0][1] }
        try expectGradientsMatchFiniteDifferences(x) { $0[0][0, 2] }
        try expectGradientsMatchFiniteDifferences(x) { $0[0][1...] }
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].transpose(1, 2).slice(1, 1..<3) }
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].transpose(0, 1).contiguous() }
        try expectGradientsMatchFiniteDifferences(x) { $0[0].clone() }
        try expectGradientsMatchFiniteDifferences([randomInput([3, 2], seed: 27)]) { $0[0].t() }
    }

    @Test func joiningAndSelecting() throws {
        let a = randomInput([2, 3], seed: 28), b = randomInput([1, 3], seed: 29), c = randomInput([2, 3], seed: 30)
        try expectGradientsMatchFiniteDifferences([a, b]) { try Tensor.cat([$0[0], $0[1]], dim: 0) }
        try expectGradientsMatchFiniteDifferences([a, c]) { try Tensor.cat([$0[0], $0[1]], dim: 1) }
        try expectGradientsMatchFiniteDifferences([a, c]) { try Tensor.stack([$0[0], $0[1]], dim: 1) }
        let condition = a.gt(0)
        try expectGradientsMatchFiniteDifferences([c, b]) { Tensor.where(condition, $0[0], $0[1]) }
    }
}
