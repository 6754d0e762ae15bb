// In-place random fills with PyTorch's names: uniform_, normal_, bernoulli_. A float64 tensor
// takes the same draws as a float32 one, kept in double precision instead of rounded to Float.

extension Tensor {
    /// Fills the tensor with values drawn uniformly from [low, high).
    @discardableResult
    public func uniform_(_ low: Float = 0, _ high: Float = 1, generator: Generator? = nil) -> Tensor {
        let g = generator ?? defaultGenerator
        let width = Double(high) - Double(low)
        if dtype == .float64 {
            let start = low.asWrittenDouble, span = high.asWrittenDouble - start
            mutateDoubles { p, n in for i in 0..<n { p[i] = start + span * g.nextDouble() } }
            return self
        }
        mutateFloats { p, n in
            for i in 0..<n { p[i] = Float(Double(low) + width * g.nextDouble()) }
        }
        return self
    }

    /// Fills the tensor with values drawn from N(mean, std²).
    @discardableResult
    public func normal_(mean: Float = 0, std: Float = 1, generator: Generator? = nil) -> Tensor {
        let g = generator ?? defaultGenerator
        if dtype == .float64 {
            let (m, s) = (mean.asWrittenDouble, std.asWrittenDouble)
            mutateDoubles { p, n in for i in 0..<n { p[i] = m + s * g.nextNormal() } }
            return self
        }
        mutateFloats { p, n in
            for i in 0..<n { p[i] = Float(Double(mean) + Double(std) * g.nextNormal()) }
        }
        return self
    }

    /// Fills the tensor with 1 with probability `p` and 0 otherwise.
    @discardableResult
    public func bernoulli_(_ p: Float, generator: Generator? = nil) -> Tensor {
        let g = generator ?? defaultGenerator
        if dtype == .float64 {
            mutateDoubles { values, n in for i in 0..<n { values[i] = g.nextFloat() < p ? 1 : 0 } }
            return self
        }
        mutateFloats { values, n in
            for i in 0..<n { values[i] = g.nextFloat() < p ? 1 : 0 }
        }
        return self
    }

    /// Calls `body` with this float tensor's elements for in-place updates, in row-major order.
    ///
    /// For kernels outside this module (optimizers, initialisers): contiguous tensors are
    /// updated directly, views are gathered and written back afterwards. Not recorded by autograd.
    /// Traps for a tensor that is not float32 (a float64 one included), naming its dtype.
    public func withMutableFloats<R>(_ body: (UnsafeMutableBufferPointer<Float>) -> R) -> R {
        var result: R?
        mutateFloats { p, n in result = body(UnsafeMutableBufferPointer(start: p, count: n)) }
        return result!
    }
}
