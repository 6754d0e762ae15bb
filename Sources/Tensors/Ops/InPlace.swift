// In-place updates (PyTorch's trailing-underscore methods). They are not recorded by autograd:
// use them on `.data`, inside `noGrad`, or on tensors that do not require a gradient.

extension Tensor {
    /// Rewrites every element in place through `body`, which gets the elements in row-major order.
    ///
    /// Contiguous float tensors are updated directly; views are gathered, updated and scattered back.
    func mutateFloats(_ body: (UnsafeMutablePointer<Float>, Int) -> Void) {
        guard case .float(let s) = storage else {
            usageFailure("in-place float32 update (withMutableFloats and friends) on a \(dtype) tensor")
        }
        mutateElements(of: s, body)
    }

    /// Rewrites every element of a float64 tensor in place through `body` (row-major order).
    func mutateDoubles(_ body: (UnsafeMutablePointer<Double>, Int) -> Void) {
        guard case .double(let s) = storage else {
            usageFailure("in-place float64 update on a \(dtype) tensor")
        }
        mutateElements(of: s, body)
    }

    /// Hands `body` this tensor's elements in `s` in row-major order: directly when contiguous,
    /// otherwise gathered into a temporary that is scattered back afterwards.
    private func mutateElements<Scalar>(of s: Storage<Scalar>, _ body: (UnsafeMutablePointer<Scalar>, Int) -> Void) {
        if isContiguous {
            withExtendedLifetime(s) { body(s.base + offset, count) }
        } else {
            let temp = Storage<Scalar>(uninitializedCount: count)  // gather writes every element
            Strided.gather(from: s.base + offset, shape: shape, strides: strides, into: temp.base)
            body(temp.base, count)
            Strided.scatter(temp.base, into: s.base + offset, shape: shape, strides: strides)
        }
    }

    /// Copies `source`'s elements into this tensor (broadcasting `source`), like `copy_`.
    @discardableResult
    public func copy_(_ source: Tensor) -> Tensor {
        let expanded = source.shape == shape ? source : noGrad { source.expand(shape) }
        switch storage {
        case .float:
            expanded.withFloats { src in mutateFloats { dst, n in dst.update(from: src, count: n) } }
        case .double:
            expanded.withDoubles { src in mutateDoubles { dst, n in dst.update(from: src, count: n) } }
        case .integer(let s):
            expanded.withInt64s { src in
                if isContiguous {
                    (s.base + offset).update(from: src, count: count)
                } else {
                    Strided.scatter(src, into: s.base + offset, shape: shape, strides: strides)
                }
            }
        }
        return self
    }

    /// Sets every element to `value`.
    @discardableResult
    public func fill_(_ value: Float) -> Tensor {
        if case .integer = storage { return copy_(Tensor(shape: [], int64Scalars: [Int64(truncatingOrIndefinite: Double(value))])) }
        if case .double = storage {
            let wide = value.asWrittenDouble
            mutateDoubles { p, n in p.update(repeating: wide, count: n) }
            return self
        }
        mutateFloats { p, n in p.update(repeating: value, count: n) }
        return self
    }

    /// Sets every element to 0.
    @discardableResult
    public func zero_() -> Tensor { fill_(0) }

    /// Adds `alpha · other` (broadcast to this shape) in place, like `add_(other, alpha=alpha)`.
    @discardableResult
    public func add_(_ other: Tensor, alpha: Float = 1) -> Tensor {
        let expanded = other.shape == shape ? other : noGrad { other.expand(shape) }
        if case .double = storage {
            let wideAlpha = alpha.asWrittenDouble
            expanded.withDoubles { src in
                mutateDoubles { dst, n in for i in 0..<n { dst[i] += wideAlpha * src[i] } }
            }
            return self
        }
        expanded.withFloats { src in
            mutateFloats { dst, n in
                if alpha == 1 {
                    for i in 0..<n { dst[i] += src[i] }
                } else {
                    for i in 0..<n { dst[i] += alpha * src[i] }
                }
            }
        }
        return self
    }

    /// Multiplies every element by `factor` in place.
    @discardableResult
    public func mul_(_ factor: Float) -> Tensor {
        if case .double = storage {
            let wide = factor.asWrittenDouble
            mutateDoubles { p, n in for i in 0..<n { p[i] *= wide } }
            return self
        }
        mutateFloats { p, n in for i in 0..<n { p[i] *= factor } }
        return self
    }

    /// Accumulates a gradient of the same shape into this one.
    func addInPlace(_ other: Tensor) { add_(other) }
}
