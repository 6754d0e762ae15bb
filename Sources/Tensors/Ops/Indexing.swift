// Indexing and slicing (views), joining (cat, stack), selection (where) and comparisons.

extension Tensor {
    /// Selects along the leading dims, like `x[0]` or `x[0, 1]` (`SelectBackward0`); negative indices count from the end.
    public subscript(_ indices: Int...) -> Tensor {
        var result = self
        for index in indices { result = result.select(0, index) }
        return result
    }

    /// Slices the first dim, like `x[0:2]` (`SliceBackward0`), as a view.
    public subscript(_ range: Range<Int>) -> Tensor { slice(0, range) }

    /// Slices the first dim from `range.lowerBound` to the end.
    public subscript(_ range: PartialRangeFrom<Int>) -> Tensor { slice(0, range.lowerBound..<size(0)) }

    /// Slices the first dim up to `range.upperBound`.
    public subscript(_ range: PartialRangeUpTo<Int>) -> Tensor { slice(0, 0..<range.upperBound) }

    /// The sub-tensor at `index` of dim `dim`, as a view with that dim removed (`SelectBackward0`).
    public func select(_ dim: Int, _ index: Int) -> Tensor {
        usageCheck(rank > 0, "select() cannot be applied to a 0-dim tensor.")
        let d = dim < 0 ? dim + rank : dim
        usageCheck(d >= 0 && d < rank, "dimension \(dim) is out of range for a tensor of shape \(Shape.describe(shape))")
        let size = shape[d]
        let i = index < 0 ? index + size : index
        usageCheck(i >= 0 && i < size, "index \(index) is out of bounds for dimension \(d) with size \(size)")
        var s = shape, st = strides
        s.remove(at: d)
        st.remove(at: d)
        let out = Tensor(storage: storage, dtype: dtype, shape: s, strides: st, offset: offset + i * strides[d])
        let inputShape = shape
        return Tensor.record(out, name: "SelectBackward0", inputs: [self]) { g in
            let grad = Tensor.zeros(inputShape, dtype: g.dtype)
            grad.select(d, i).copy_(g)
            return [grad]
        }
    }

    /// Elements `range` of dim `dim`, as a view (`SliceBackward0`); bounds are clamped like Python's.
    public func slice(_ dim: Int, _ range: Range<Int>) -> Tensor {
        usageCheck(rank > 0, "slice() cannot be applied to a 0-dim tensor.")
        let d = dim < 0 ? dim + rank : dim
        usageCheck(d >= 0 && d < rank, "dimension \(dim) is out of range for a tensor of shape \(Shape.describe(shape))")
        let size = shape[d]
        func clampIndex(_ v: Int) -> Int { Swift.min(Swift.max(v < 0 ? v + size : v, 0), size) }
        let lower = clampIndex(range.lowerBound)
        let upper = Swift.max(clampIndex(range.upperBound), lower)
        var s = shape
        s[d] = upper - lower
        let out = Tensor(storage: storage, dtype: dtype, shape: s, strides: strides, offset: offset + lower * strides[d])
        let inputShape = shape
        return Tensor.record(out, name: "SliceBackward0", inputs: [self]) { g in
            let grad = Tensor.zeros(inputShape, dtype: g.dtype)
            grad.slice(d, lower..<upper).copy_(g)
            return [grad]
        }
    }

    /// Joins tensors along an existing dim (`CatBackward0`).
    public static func cat(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError("torch.cat(): expected a non-empty list of Tensors") }
        let d = try Shape.normalize(dim: dim, rank: first.rank)
        guard first.rank > 0 else { throw TensorError("zero-dimensional tensor (at position 0) cannot be concatenated") }
        for (position, t) in tensors.enumerated() {
            var a = t.shape, b = first.shape
            guard a.count == b.count else {
                throw TensorError("Tensors must have same number of dimensions: got \(first.rank) and \(t.rank) (tensor at position \(position))")
            }
            a[d] = 0
            b[d] = 0
            guard a == b else {
                throw TensorError("Sizes of tensors must match except in dimension \(d). Expected \(Shape.describe(first.shape)) but got \(Shape.describe(t.shape)) for tensor number \(position) in the list.")
            }
        }
        var outShape = first.shape
        outShape[d] = tensors.reduce(0) { $0 + $1.shape[d] }
        let isFloat = tensors.contains { $0.dtype.isFloatingPoint }
        let isDouble = tensors.contains { $0.dtype == .float64 }
        let out = Tensor.zeros(outShape, dtype: isDouble ? .float64 : isFloat ? .float32 : first.dtype)
        var start = 0
        var ranges: [Range<Int>] = []
        noGrad {
            for t in tensors {
                let r = start..<(start + t.shape[d])
                out.slice(d, r).copy_(t)
                ranges.append(r)
                start = r.upperBound
            }
        }
        return record(out, name: "CatBackward0", inputs: tensors) { g in
            zip(ranges, tensors).map { Tensor.gradient(g.slice(d, $0).contiguous(), as: $1.dtype) }
        }
    }

    /// Joins same-shaped tensors along a new dim (`StackBackward0`).
    public static func stack(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError("stack expects a non-empty TensorList") }
        let d = try Shape.normalize(dim: dim, rank: first.rank + 1)
        for (position, t) in tensors.enumerated() where t.shape != first.shape {
            throw TensorError("stack expects each tensor to be equal size, but got \(Shape.describe(first.shape)) at entry 0 and \(Shape.describe(t.shape)) at entry \(position)")
        }
        let joined = try noGrad {
            try cat(tensors.map { try $0.unsqueeze(d) }, dim: d)
        }
        return record(joined, name: "StackBackward0", inputs: tensors) { g in
            (0..<tensors.count).map { g.select(d, $0).contiguous() }
        }
    }

    /// Picks from `input` where `condition` is true and from `other` elsewhere, with broadcasting (`WhereBackward0`).
    public static func `where`(_ condition: Tensor, _ input: Tensor, _ other: Tensor) -> Tensor {
        let mask = condition.to(.float32)
        if promotesToFloat64(input, other) { return Float64Ops.select(mask, input, other) }
        let chosen = Kernels.zip(Kernels.zip(mask, input) { $0 != 0 ? $1 : 0 }, Kernels.zip(mask, other) { $0 != 0 ? 0 : $1 }, +)
        let (shapeA, shapeB) = (input.shape, other.shape)
        return record(chosen, name: "WhereBackward0", inputs: [input, other]) { g in
            [Kernels.zip(g, mask) { $1 != 0 ? $0 : 0 }.sumTo(shapeA),
             Kernels.zip(g, mask) { $1 != 0 ? 0 : $0 }.sumTo(shapeB)]
        }
    }

    // MARK: Comparisons (not differentiable; results are bool tensors)

    /// Elementwise `==` with broadcasting.
    public func eq(_ other: Tensor) -> Tensor { compare(other, ==, ==) }
    /// Elementwise `!=` with broadcasting.
    public func ne(_ other: Tensor) -> Tensor { compare(other, !=, !=) }
    /// Elementwise `>` with broadcasting.
    public func gt(_ other: Tensor) -> Tensor { compare(other, >, >) }
    /// Elementwise `<` with broadcasting.
    public func lt(_ other: Tensor) -> Tensor { compare(other, <, <) }
    /// Elementwise `>=` with broadcasting.
    public func ge(_ other: Tensor) -> Tensor { compare(other, >=, >=) }
    /// Elementwise `<=` with broadcasting.
    public func le(_ other: Tensor) -> Tensor { compare(other, <=, <=) }
    /// Elementwise `== value`.
    public func eq(_ value: Float) -> Tensor { compare(scalarOperand(value), ==, ==) }
    /// Elementwise `> value`.
    public func gt(_ value: Float) -> Tensor { compare(scalarOperand(value), >, >) }
    /// Elementwise `< value`.
    public func lt(_ value: Float) -> Tensor { compare(scalarOperand(value), <, <) }

    /// `value` as a 0-d operand beside this tensor: float64 (the double it was written as) beside a float64 tensor.
    private func scalarOperand(_ value: Float) -> Tensor {
        dtype == .float64 ? Tensor(float64: value.asWrittenDouble) : Tensor(value)
    }

    /// `test` on every broadcast pair of elements as a bool tensor; `wideTest` in float64 when either side is float64.
    private func compare(_ other: Tensor, _ test: (Float, Float) -> Bool, _ wideTest: (Double, Double) -> Bool) -> Tensor {
        let result = noGrad {
            Tensor.promotesToFloat64(self, other)
                ? DoubleKernels.zip(self, other) { wideTest($0, $1) ? 1 : 0 }
                : Kernels.zip(self, other) { test($0, $1) ? 1 : 0 }
        }
        return result.to(.bool)
    }
}
