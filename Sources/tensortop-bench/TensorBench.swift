import COpenBLAS
import Tensors

/// The Foundation issue's figures: matmul through Tensor vs raw sgemm, and a whole MLP step.
enum TensorBench {
    /// 256x784 @ 784x256: raw cblas_sgemm, Tensor.matmul, and the x·wᵀ layout read with a transpose flag.
    static func matmul(threads: Int, into report: inout Report) {
        let (m, k, n) = (256, 784, 256)
        let flop = 2.0 * Double(m * k * n)
        let g = Generator(seed: 1)
        let a = Tensor.randn([m, k], generator: g)
        let b = Tensor.randn([k, n], generator: g)
        let w = Tensor.randn([n, k], generator: g)  // Linear's [out, in] layout
        let rawA = a.scalars, rawB = b.scalars
        var rawC = [Float](repeating: 0, count: m * n)
        let raw = Stopwatch.secondsPerCall {
            rawA.withUnsafeBufferPointer { pa in
                rawB.withUnsafeBufferPointer { pb in
                    rawC.withUnsafeMutableBufferPointer { pc in
                        BLAS.sgemm(transposeA: false, transposeB: false, m: m, n: n, k: k,
                                   a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n)
                    }
                }
            }
        }
        let tensor = Stopwatch.secondsPerCall { _ = a.matmul(b) }
        let transposed = Stopwatch.secondsPerCall { _ = a.matmul(w.t()) }
        let fixedOrder = withDeterministicAlgorithms { Stopwatch.secondsPerCall { _ = a.matmul(w.t()) } }
        for (name, seconds) in [("raw cblas_sgemm", raw), ("Tensor a.matmul(b)", tensor), ("Tensor x.matmul(w.t())", transposed),
                                ("x.matmul(w.t()), deterministic", fixedOrder)] {
            report.add("\(threads)", "256x784 @ 784x256", name, micros(seconds), fixed(flop / seconds / 1e9, 1),
                       name.hasPrefix("raw") ? "" : fixed((seconds / raw - 1) * 100, 1) + " %")
        }
    }

    /// The step's layer widths: the `mlp` preset, 784-256-10.
    static let mlpWidths = [784, 256, 10]

    /// One training step of relu(x·W1ᵀ + b1)·W2ᵀ + b2 → cross-entropy, forward and backward, with
    /// each path's samples/s as a share of `ceiling`, and over the same path's 1-thread figure
    /// (`oneThread`, keyed by batch and path: filled on 1 thread, read on more).
    /// - Returns: the seconds one fused Tensor step takes.
    @discardableResult
    static func mlpStep(threads: Int, batch: Int, ceiling: Ceiling, oneThread: inout [String: Double],
                        into report: inout Report) -> Double {
        let g = Generator(seed: 2)
        let x = Tensor.rand([batch, 784], generator: g)
        let labels = Tensor.randint(0, 10, [batch], generator: g)
        let w1 = (Tensor.randn([256, 784], generator: g) * 0.03).detach().requiresGrad_()
        let b1 = Tensor.zeros([256], requiresGrad: true)
        let w2 = (Tensor.randn([10, 256], generator: g) * 0.06).detach().requiresGrad_()
        let b2 = Tensor.zeros([10], requiresGrad: true)
        let parameters = [w1, b1, w2, b2]
        // Forward + backward FLOP per sample: 3 products of 784x256 and 3 of 256x10, but no
        // gradient for the input x (2 + 2 + 0 for layer 1, 2 + 2 + 2 for layer 2).
        precondition(Ceiling.flopPerSample(widths: mlpWidths) == 4 * 784 * 256 + 6 * 256 * 10)
        let flop = Double(batch) * Ceiling.flopPerSample(widths: mlpWidths)

        func fused() {
            for p in parameters { p.grad = nil }
            let hidden = Tensor.linear(x, weight: w1, bias: b1).relu()
            let loss = Tensor.crossEntropy(Tensor.linear(hidden, weight: w2, bias: b2), labels)
            try! loss.backward()
        }
        func unfused() {
            for p in parameters { p.grad = nil }
            let hidden = (x.matmul(w1.t()) + b1).relu()
            let loss = Tensor.crossEntropy(hidden.matmul(w2.t()) + b2, labels)
            try! loss.backward()
        }
        let rawSeconds = rawMLPProducts(batch: batch)
        let fusedSeconds = Stopwatch.secondsPerCall(fused)
        let unfusedSeconds = Stopwatch.secondsPerCall(unfused)
        for (name, seconds) in [("raw sgemm: the 5 products only", rawSeconds),
                                ("Tensor, fused linear (addmm)", fusedSeconds),
                                ("Tensor, x.matmul(w.t()) + b", unfusedSeconds)] {
            let rate = Double(batch) / seconds, key = "\(batch) \(name)"
            if threads == 1 { oneThread[key] = rate }
            report.add("\(threads)", "MLP fwd+bwd, batch \(batch)", name, micros(seconds), fixed(flop / seconds / 1e9, 1),
                       name.hasPrefix("raw") ? "" : fixed((seconds / rawSeconds - 1) * 100, 1) + " %",
                       fixed(rate, 0), ceiling.percent(rate, widths: mlpWidths, threads: threads),
                       threads == 1 ? "" : Ceiling.scaling(oneThread[key], rate))
        }
        return fusedSeconds
    }

    /// The same step's five matrix products as bare sgemm calls: the floor for the Tensor path.
    private static func rawMLPProducts(batch: Int) -> Double {
        let g = Generator(seed: 3)
        let x = Tensor.rand([batch, 784], generator: g).scalars
        let w1 = Tensor.randn([256, 784], generator: g).scalars
        let w2 = Tensor.randn([10, 256], generator: g).scalars
        var h = [Float](repeating: 0, count: batch * 256)
        var out = [Float](repeating: 0, count: batch * 10)
        var gw1 = [Float](repeating: 0, count: 256 * 784)
        var gw2 = [Float](repeating: 0, count: 10 * 256)
        var gh = [Float](repeating: 0, count: batch * 256)
        return Stopwatch.secondsPerCall {
            x.withUnsafeBufferPointer { x in w1.withUnsafeBufferPointer { w1 in w2.withUnsafeBufferPointer { w2 in
                h.withUnsafeMutableBufferPointer { h in out.withUnsafeMutableBufferPointer { out in
                    gw1.withUnsafeMutableBufferPointer { gw1 in gw2.withUnsafeMutableBufferPointer { gw2 in
                        gh.withUnsafeMutableBufferPointer { gh in
                            // h = x·W1ᵀ; out = h·W2ᵀ; gW2 = outᵀ·h; gh = out·W2; gW1 = ghᵀ·x
                            BLAS.sgemm(transposeA: false, transposeB: true, m: batch, n: 256, k: 784, a: x.baseAddress!, lda: 784, b: w1.baseAddress!, ldb: 784, c: h.baseAddress!, ldc: 256)
                            BLAS.sgemm(transposeA: false, transposeB: true, m: batch, n: 10, k: 256, a: h.baseAddress!, lda: 256, b: w2.baseAddress!, ldb: 256, c: out.baseAddress!, ldc: 10)
                            BLAS.sgemm(transposeA: true, transposeB: false, m: 10, n: 256, k: batch, a: out.baseAddress!, lda: 10, b: h.baseAddress!, ldb: 256, c: gw2.baseAddress!, ldc: 256)
                            BLAS.sgemm(transposeA: false, transposeB: false, m: batch, n: 256, k: 10, a: out.baseAddress!, lda: 10, b: w2.baseAddress!, ldb: 256, c: gh.baseAddress!, ldc: 256)
                            BLAS.sgemm(transposeA: true, transposeB: false, m: 256, n: 784, k: batch, a: gh.baseAddress!, lda: 256, b: x.baseAddress!, ldb: 784, c: gw1.baseAddress!, ldc: 784)
                        }
                    }}
                }}
            }}}
        }
    }
}
