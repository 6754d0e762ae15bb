import Tensors

/// The speed no training step can pass: the machine's sgemm peak turned into samples/s.
///
/// Every training figure is also printed as a percentage of this ceiling at its thread count,
/// so a change in the engine shows as a change in the share of the hardware it uses, whatever
/// the CPU and its BLAS kernel.
struct Ceiling {
    /// Peak sgemm FLOP/s, by OpenBLAS thread count.
    let peak: [Int: Double]

    /// The side of the square product timed for the peak: large enough for OpenBLAS to reach its
    /// best rate on every thread, small enough to time in a fraction of a second a call.
    static let side = 1536

    /// FLOP of one sample's training step through Linear layers of `widths` (input first): forward
    /// 2·in·out per layer, backward 2·in·out for the weight gradient, plus 2·in·out for the
    /// input gradient of every layer but the first (nothing needs the gradient of the images).
    ///
    /// Only the matrix products count: biases, activations and the loss are O(width), not
    /// O(in·out). For mlp (784-256-10) this is 818,176; for softmax (784-10), 31,360.
    static func flopPerSample(widths: [Int]) -> Double {
        zip(widths, widths.dropFirst()).enumerated().reduce(0) { total, layer in
            let (index, (inputs, outputs)) = layer
            let product = 2 * Double(inputs) * Double(outputs)
            return total + product * (index == 0 ? 2 : 3)
        }
    }

    /// Measures the peak at each of `threads` (BLAS.threads is left at the last of them).
    static func measure(threads: [Int]) -> Ceiling {
        var peak: [Int: Double] = [:]
        for count in threads {
            BLAS.threads = count
            peak[count] = sgemmPeak()
        }
        return Ceiling(peak: peak)
    }

    /// FLOP/s of a `side`³ `BLAS.sgemm` on the current thread count: best of several calls after warm-up.
    static func sgemmPeak() -> Double {
        let count = side * side
        let a = (0..<count).map { Float($0 % 97) / 97 - 0.5 }
        let b = (0..<count).map { Float($0 % 89) / 89 - 0.5 }
        var c = [Float](repeating: 0, count: count)
        let seconds = a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    Stopwatch.secondsPerCall(rounds: 5, roundSeconds: 0.15) {
                        BLAS.sgemm(transposeA: false, transposeB: false, m: side, n: side, k: side,
                                   a: a.baseAddress!, lda: side, b: b.baseAddress!, ldb: side, c: c.baseAddress!, ldc: side)
                    }
                }
            }
        }
        return 2 * Double(side) * Double(side) * Double(side) / seconds
    }

    /// The samples/s a model of `widths` would reach on `threads` if its step ran at the sgemm peak.
    func samplesPerSecond(widths: [Int], threads: Int) -> Double? {
        peak[threads].map { $0 / Self.flopPerSample(widths: widths) }
    }

    /// `rate` as a share of the ceiling, e.g. "41.2 %" (empty when the peak was not measured).
    func percent(_ rate: Double, widths: [Int], threads: Int) -> String {
        samplesPerSecond(widths: widths, threads: threads).map { fixed(rate / $0 * 100, 1) + " %" } ?? ""
    }

    /// The peak table: time of one product, GFLOP/s, and the ceilings of the bench's models.
    func render(models: [(name: String, widths: [Int])]) -> String {
        var report = Report(["threads", "time/call", "GFLOP/s"] + models.map { "ceiling \($0.name) samples/s" })
        for (threads, flops) in peak.sorted(by: { $0.key < $1.key }) {
            let seconds = 2 * Double(Self.side) * Double(Self.side) * Double(Self.side) / flops
            report.add(["\(threads)", fixed(seconds * 1000, 2) + " ms", fixed(flops / 1e9, 1)]
                       + models.map { fixed(flops / Self.flopPerSample(widths: $0.widths), 0) })
        }
        return report.render()
    }

    /// "1.62×": the 2-thread figure over the 1-thread one.
    static func scaling(_ one: Double?, _ two: Double?) -> String {
        guard let one, let two, one > 0 else { return "" }
        return fixed(two / one, 2) + "×"
    }
}
