import Foundation
import Synchronization
import Testing
import Tensors

/// Deterministic algorithms: every matrix product equals the textbook loop bit for bit (its sums
/// run from the first inner index to the last), whatever the layout; the setting is per thread.
@Suite struct DeterministicTests {
    /// Σₚ a[i,p]·b[p,j] in single precision, p ascending: the order the deterministic kernel promises.
    static func textbookProduct(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k { sum = sum + a[i * k + p] * b[p * n + j] }
                out[i * n + j] = sum
            }
        }
        return out
    }

    /// Equal bit patterns (so -0 differs from 0 and NaN equals NaN).
    static func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    /// Sizes around the 4×16 tile edges, a vector, and a product with an inner size of 0.
    static let sizes: [(m: Int, n: Int, k: Int)] = [(1, 1, 1), (3, 5, 7), (4, 16, 9), (5, 17, 33), (37, 70, 130), (128, 10, 256), (2, 3, 0)]

    @Test(arguments: sizes)
    func matmulEqualsTheTextbookLoopInEveryLayout(size: (m: Int, n: Int, k: Int)) {
        let (m, n, k) = size
        let generator = Generator(seed: 7)
        let a = Tensor.randn([m, k], generator: generator)
        let b = Tensor.randn([k, n], generator: generator)
        let expected = Self.bits(Self.textbookProduct(a.scalars, b.scalars, m: m, n: n, k: k))
        withDeterministicAlgorithms {
            // Row-major, and transposed views (stored column-major) of either operand.
            let aT = a.t().contiguous().t(), bT = b.t().contiguous().t()
            for (x, y) in [(a, b), (aT, b), (a, bT), (aT, bT)] {
                #expect(Self.bits(x.matmul(y).scalars) == expected, "\(m)x\(k) · \(k)x\(n)")
            }
        }
    }

    @Test func linearAndItsGradientsEqualTheTextbookLoop() throws {
        let (batch, inputs, outputs) = (19, 45, 23)
        let generator = Generator(seed: 3)
        let x = Tensor.randn([batch, inputs], generator: generator, requiresGrad: true)
        let w = Tensor.randn([outputs, inputs], generator: generator, requiresGrad: true)
        let bias = Tensor.randn([outputs], generator: generator, requiresGrad: true)
        let upstream = Tensor.randn([batch, outputs], generator: generator)
        let y = try withDeterministicAlgorithms { () throws -> Tensor in
            let y = Tensor.linear(x, weight: w, bias: bias)
            try (y * upstream).sum().backward()
            return y
        }
        func transposed(_ values: [Float], rows: Int, cols: Int) -> [Float] {
            (0..<(rows * cols)).map { values[($0 % rows) * cols + $0 / rows] }
        }
        let wT = transposed(w.scalars, rows: outputs, cols: inputs)
        let product = Self.textbookProduct(x.scalars, wT, m: batch, n: outputs, k: inputs)
        let withBias = product.enumerated().map { $0.element + bias.scalars[$0.offset % outputs] }
        #expect(Self.bits(y.scalars) == Self.bits(withBias))
        let g = upstream.scalars
        #expect(Self.bits(x.grad!.scalars) == Self.bits(Self.textbookProduct(g, w.scalars, m: batch, n: inputs, k: outputs)))
        let gT = transposed(g, rows: batch, cols: outputs)
        #expect(Self.bits(w.grad!.scalars) == Self.bits(Self.textbookProduct(gT, x.scalars, m: outputs, n: inputs, k: batch)))
    }

    @Test func infinitiesAndNaNsPropagateAsInTheTextbookLoop() {
        var values = Tensor.randn([6, 5], generator: Generator(seed: 1)).scalars
        values[3] = .infinity
        values[12] = .nan
        let a = Tensor(shape: [6, 5], scalars: values)
        let b = Tensor.randn([5, 18], generator: Generator(seed: 2))
        let expected = Self.textbookProduct(values, b.scalars, m: 6, n: 18, k: 5)
        let got = withDeterministicAlgorithms { a.matmul(b).scalars }
        #expect(Self.bits(got.map { $0.isNaN ? .nan : $0 }) == Self.bits(expected.map { $0.isNaN ? .nan : $0 }))
    }

    @Test func deterministicProductsAgreeWithBLASToRounding() {
        let generator = Generator(seed: 11)
        let a = Tensor.randn([64, 300], generator: generator)
        let b = Tensor.randn([300, 40], generator: generator)
        let fast = a.matmul(b).scalars
        let fixed = withDeterministicAlgorithms { a.matmul(b).scalars }
        let worst = zip(fast, fixed).map { Swift.abs($0 - $1) }.max()!
        #expect(worst < 1e-3, "largest difference \(worst) for sums of 300 products of unit normals")
    }

    @Test func theSettingBelongsToTheCallingThread() throws {
        #expect(!areDeterministicAlgorithmsEnabled)
        useDeterministicAlgorithms(true)
        defer { useDeterministicAlgorithms(false) }
        #expect(areDeterministicAlgorithmsEnabled)
        let seenElsewhere = OtherThread.run { areDeterministicAlgorithmsEnabled }
        #expect(seenElsewhere == false)
        withDeterministicAlgorithms(false) { #expect(!areDeterministicAlgorithmsEnabled) }
        #expect(areDeterministicAlgorithmsEnabled)
    }
}

/// Runs a closure on a new thread and waits for its result.
enum OtherThread {
    static func run(_ body: @escaping @Sendable () -> Bool) -> Bool {
        let result = Mutex<Bool?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            let value = body()
            result.withLock { $0 = value }
            done.signal()
        }.start()
        done.wait()
        return result.withLock { $0 }!
    }
}
