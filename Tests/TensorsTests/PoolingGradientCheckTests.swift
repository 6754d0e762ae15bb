import Testing
import Tensors

/// Pooling gradients against finite differences.
@Suite struct PoolingGradientCheckTests {
    /// Distinct values 0.1 apart in a scrambled order, so no nudge of ±1e-2 moves a maximum (no ties).
    func distinctInput(_ shape: [Int]) -> Tensor {
        let n = shape.reduce(1, *)
        var step = 37
        while gcd(step, n) != 1 { step += 1 }
        return Tensor(shape: shape, scalars: (0..<n).map { Float(($0 * step) % n) * 0.1 - Float(n) * 0.05 })
    }

    func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    @Test func maxPool() throws {
        let x = [distinctInput([2, 2, 7, 6])]
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].maxPool2d(kernelSize: 2) }
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].maxPool2d(kernelSize: 3, stride: 2, padding: 1) }
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].maxPool2d(kernelSize: (3, 2), stride: (1, 2), ceilMode: true) }
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].maxPool2d(kernelSize: 2, stride: 1, dilation: 2) }
        try expectGradientsMatchFiniteDifferences([distinctInput([3, 5, 5])]) { try $0[0].maxPool2d(kernelSize: 2, stride: 1) }
    }

    @Test func avgPool() throws {
        let x = [randomInput([2, 2, 7, 6], seed: 41)]
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].avgPool2d(kernelSize: 2) }
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].avgPool2d(kernelSize: 3, stride: 2, padding: 1) }
        try expectGradientsMatchFiniteDifferences(x) {
            try $0[0].avgPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false)
        }
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].avgPool2d(kernelSize: (2, 3), divisorOverride: 4) }
    }

    @Test func adaptivePools() throws {
        let x = [randomInput([2, 2, 7, 5], seed: 42)]
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].adaptiveAvgPool2d(1) }
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].adaptiveAvgPool2d((3, 2)) }
        try expectGradientsMatchFiniteDifferences(x) { try $0[0].adaptiveAvgPool2d((4, nil)) }
        try expectGradientsMatchFiniteDifferences([distinctInput([2, 2, 7, 5])]) { try $0[0].adaptiveMaxPool2d((3, 4)) }
    }
}
