#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a loss combines per-element values, like PyTorch's `reduction=` argument.
public enum Reduction: String, Sendable, CaseIterable {
    /// One loss per element, no reduction.
    case none
    /// The (weighted) mean.
    case mean
    /// The sum.
    case sum
}

extension Tensor {
    /// Softmax along `dim` (`SoftmaxBackward0`), computed stably by subtracting the maximum.
    public func softmax(dim: Int) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, rank: rank)
        if dtype == .float64 { return Float64Ops.softmax(self, along: d) }
        let out = normalizedExponentials(along: d, logarithm: false)
        return Tensor.record(out, name: "SoftmaxBackward0", inputs: [self]) { g in
            // dx = y ⊙ (g − Σ(g ⊙ y))
            let gy = Kernels.zipSameShape(g, out, *)
            let dot = gy.sumAlong([d], keepdim: true)
            return [Kernels.zipSameShape(gy, Kernels.zip(out, dot, *), -)]
        }
    }

    /// log(softmax) along `dim` (`LogSoftmaxBackward0`), computed stably as x − logsumexp(x).
    public func logSoftmax(dim: Int) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, rank: rank)
        if dtype == .float64 { return Float64Ops.logSoftmax(self, along: d) }
        let out = normalizedExponentials(along: d, logarithm: true)
        return Tensor.record(out, name: "LogSoftmaxBackward0", inputs: [self]) { g in
            // dx = g − exp(y) · Σ g
            let total = g.sumAlong([d], keepdim: true)
            return [Kernels.zip(g, Kernels.zip(Kernels.map(out) { expf($0) }, total, *), -)]
        }
    }

    /// Softmax (or log-softmax) along normalised dim `d`, untracked.
    private func normalizedExponentials(along d: Int, logarithm: Bool) -> Tensor {
        if rank == 0 { return Kernels.map(self) { _ in logarithm ? 0 : 1 } }
        let (outer, n, inner) = splitAround(d)
        let storage = withFloats { p in
            Storage<Float>(count: count) { out in
                let o = out.baseAddress!
                for a in 0..<outer {
                    for i in 0..<inner {
                        let base = a * n * inner + i
                        var m = -Float.infinity
                        for k in 0..<n { m = Swift.max(m, p[base + k * inner]) }
                        if m == -.infinity { m = 0 }
                        var total: Float = 0
                        for k in 0..<n { total += expf(p[base + k * inner] - m) }
                        if logarithm {
                            let lse = m + logf(total)
                            for k in 0..<n { o[base + k * inner] = p[base + k * inner] - lse }
                        } else {
                            for k in 0..<n { o[base + k * inner] = expf(p[base + k * inner] - m) / total }
                        }
                    }
                }
            }
        }
        return Tensor(floats: storage, shape: shape)
    }
}
