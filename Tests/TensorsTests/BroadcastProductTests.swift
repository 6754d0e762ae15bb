import Testing
@testable import Tensors

/// The convolution's unpacked product (`tt_broadcast_gemm`, AVX-512 where the CPU has it, a plain
/// loop elsewhere) against sums in double precision, and the convolutions that use it against
/// the deterministic route.
@Suite struct BroadcastProductTests {
    /// Random values in [-1, 1) from a fixed seed.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        Tensor.rand([count], generator: Generator(seed: seed)).scalars.map { $0 * 2 - 1 }
    }

    /// (m, n, k, A stored transposed): tiles of 12, 8, 4 and 1 rows, one or two vectors, masked tails.
    static let shapes: [(Int, Int, Int, Bool)] = [
        (32, 196, 400, false), (400, 196, 32, true), (400, 32, 196, false), (37, 45, 19, false),
        (5, 17, 3, true), (1, 1, 1, false), (13, 16, 33, true), (25, 48, 7, false),
    ]

    @Test(arguments: 0..<shapes.count)
    func theProductIsTheSumInKOrderWithinRounding(_ index: Int) {
        let (m, n, k, transposedA) = Self.shapes[index]
        let ldb = n + 3, ldc = n + 5  // rows with slack: nothing past a row is read or written
        let a = Self.values(m * k, seed: UInt64(index) * 3 + 1)
        let b = Self.values(k * ldb, seed: UInt64(index) * 3 + 2)
        let start = Self.values(m * ldc, seed: UInt64(index) * 3 + 3)
        let bias = Self.values(m, seed: UInt64(index) * 3 + 4)
        let (aRow, aColumn) = transposedA ? (1, m) : (k, 1)
        for (accumulate, startsFromBias) in [(false, false), (true, false), (false, true)] {
            var c = start
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        bias.withUnsafeBufferPointer { pbias in
                            BroadcastProduct.multiply(m: m, n: n, k: k, a: pa.baseAddress!, aRow: aRow, aColumn: aColumn,
                                                      b: pb.baseAddress!, ldb: ldb, into: pc.baseAddress!, ldc: ldc, accumulate: accumulate,
                                                      rowStarts: startsFromBias ? pbias.baseAddress! : nil)
                        }
                    }
                }
            }
            var worst = 0.0
            for i in 0..<m {
                for j in 0..<ldc {
                    guard j < n else {
                        #expect(c[i * ldc + j] == start[i * ldc + j], "slack column \(j) of row \(i) changed")
                        continue
                    }
                    var sum = (accumulate ? Double(start[i * ldc + j]) : 0) + (startsFromBias ? Double(bias[i]) : 0)
                    for p in 0..<k { sum += Double(a[i * aRow + p * aColumn]) * Double(b[p * ldb + j]) }
                    worst = max(worst, abs(Double(c[i * ldc + j]) - sum))
                }
            }
            // k products of terms below 1, each sum rounded k times in float32.
            #expect(worst <= Double(k + 1) * 1.2e-7, "m \(m) n \(n) k \(k) accumulate \(accumulate) bias \(startsFromBias): off by \(worst)")
        }
    }

    /// Convolutions the product serves on AVX-512 CPUs (the cnn preset's second layer; two groups of 32
    /// output channels, each with its own bias; a 1×1 kernel that multiplies the image itself) give
    /// the deterministic route's output and gradients within float32 rounding, on any CPU.
    @Test(arguments: [([3, 16, 14, 14], [32, 16, 5, 5], 2, 1), ([2, 8, 9, 9], [64, 4, 3, 3], 1, 2), ([2, 40, 7, 7], [32, 40, 1, 1], 0, 1)])
    func aConvolutionWithTheProductMatchesTheDeterministicRoute(input inputShape: [Int], weight weightShape: [Int], padding: Int, groups: Int) throws {
        let generator = Generator(seed: 5)
        let input = Tensor.randn(inputShape, generator: generator)
        let weight = Tensor.randn(weightShape, generator: generator) * 0.05
        let bias = Tensor.randn([weightShape[0]], generator: generator)
        let output = try Tensor.conv2d(input, weight: weight, padding: .explicit(Pair2d(padding)), groups: groups)
        let outputGradient = Tensor.randn(output.shape, generator: generator)
        let (fast, exact) = (try Self.convolve(input, weight, bias, outputGradient, padding, groups, deterministic: false),
                             try Self.convolve(input, weight, bias, outputGradient, padding, groups, deterministic: true))
        for (name, (ours, reference)) in zip(["output", "input gradient", "weight gradient", "bias gradient"], zip(fast, exact)) {
            let worst = zip(ours, reference).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
            #expect(worst < 1e-4, "\(name): off by \(worst)")
        }
    }

    /// Twenty images (three blocks) on one and on two compute threads: the same bits.
    @Test func blocksSharedAmongComputeThreadsGiveTheSameBits() {
        ComputeThreadsTests.onOwnThread {
            let generator = Generator(seed: 8)
            let input = Tensor.randn([20, 16, 14, 14], generator: generator)
            let weight = Tensor.randn([32, 16, 5, 5], generator: generator) * 0.05
            let bias = Tensor.randn([32], generator: generator)
            let outputGradient = Tensor.randn([20, 32, 14, 14], generator: generator)
            setComputeThreads(1)
            let single = try! Self.convolve(input, weight, bias, outputGradient, 2, 1, deterministic: false)
            setComputeThreads(2)
            let shared = try! Self.convolve(input, weight, bias, outputGradient, 2, 1, deterministic: false)
            setComputeThreads(1)
            #expect(shared.map { $0.map(\.bitPattern) } == single.map { $0.map(\.bitPattern) })
        }
    }

    /// Output, input, weight and bias gradients of one convolution, with or without deterministic algorithms.
    static func convolve(_ input: Tensor, _ weight: Tensor, _ bias: Tensor, _ outputGradient: Tensor, _ padding: Int, _ groups: Int,
                         deterministic: Bool) throws -> [[Float]] {
        let (x, w, b) = (input.detach().requiresGrad_(), weight.detach().requiresGrad_(), bias.detach().requiresGrad_())
        return try withDeterministicAlgorithms(deterministic) { () throws -> [[Float]] in
            let y = try Tensor.conv2d(x, weight: w, bias: b, padding: .explicit(Pair2d(padding)), groups: groups)
            try y.backward(outputGradient)
            return [y.scalars, x.grad!.scalars, w.grad!.scalars, b.grad!.scalars]
        }
    }
}
