// Views and copies that change how elements are arranged: reshape, transpose, permute, expand, ...

extension Tensor {
    /// A tensor with the same elements in `newShape` (one entry may be -1 and is inferred).
    ///
    /// A view sharing storage when the layout allows it (`ViewBackward0`), a copy otherwise
    /// (`UnsafeViewBackward0`). Traps when the element counts differ.
    public func reshape(_ newShape: [Int]) -> Tensor {
        let target = inferShape(newShape)
        if isContiguous {
            return viewUnchecked(target)
        }
        let copy = Tensor(floatsOrIntegersOf: self, shape: target)
        let inputShape = shape
        return Tensor.record(copy, name: "UnsafeViewBackward0", inputs: [self]) { g in [g.reshape(inputShape)] }
    }

    /// A view with `newShape` sharing storage (`ViewBackward0`); throws if the layout does not allow one.
    public func view(_ newShape: [Int]) throws -> Tensor {
        guard isContiguous else {
            throw TensorError("view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
        }
        return viewUnchecked(inferShape(newShape))
    }

    private func viewUnchecked(_ target: [Int]) -> Tensor {
        let out = Tensor(storage: storage, dtype: dtype, shape: target, offset: offset)
        let inputShape = shape
        return Tensor.record(out, name: "ViewBackward0", inputs: [self]) { g in [g.reshape(inputShape)] }
    }

    /// Resolves a -1 entry and checks that the element count is unchanged.
    private func inferShape(_ newShape: [Int]) -> [Int] {
        var target = newShape
        let unknown = newShape.indices.filter { newShape[$0] == -1 }
        usageCheck(unknown.count <= 1, "only one dimension can be inferred in reshape \(Shape.describe(newShape))")
        usageCheck(newShape.allSatisfy { $0 >= -1 }, "invalid shape dimension in \(Shape.describe(newShape))")
        if let u = unknown.first {
            let known = newShape.enumerated().filter { $0.offset != u }.reduce(1) { $0 * $1.element }
            usageCheck(known > 0 && count % known == 0, "shape '\(Shape.describe(newShape))' is invalid for input of size \(count)")
            target[u] = count / known
        }
        usageCheck(Shape.count(target) == count, "shape '\(Shape.describe(newShape))' is invalid for input of size \(count)")
        return target
    }

    /// Flattens dims `startDim...endDim` into one (a view when contiguous).
    public func flatten(startDim: Int = 0, endDim: Int = -1) -> Tensor {
        if rank == 0 { return reshape([1]) }
        let s = startDim < 0 ? startDim + rank : startDim
        let e = endDim < 0 ? endDim + rank : endDim
        usageCheck(s >= 0 && e < rank && s <= e, "flatten() has invalid args: start_dim \(startDim), end_dim \(endDim) for a tensor of rank \(rank)")
        if s == e { return self }
        let merged = shape[s...e].reduce(1, *)
        return reshape(Array(shape[..<s]) + [merged] + Array(shape[(e + 1)...]))
    }

    /// Removes every dim of size 1 (`SqueezeBackward0`).
    public func squeeze() -> Tensor {
        let keep = shape.indices.filter { shape[$0] != 1 }
        return squeezed(keeping: keep, name: "SqueezeBackward0")
    }

    /// Removes `dim` if its size is 1 (`SqueezeBackward1`).
    public func squeeze(dim: Int) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, rank: rank)
        if rank == 0 || shape[d] != 1 { return squeezed(keeping: Array(shape.indices), name: "SqueezeBackward1") }
        return squeezed(keeping: shape.indices.filter { $0 != d }, name: "SqueezeBackward1")
    }

    func squeezed(keeping keep: [Int], name: String) -> Tensor {
        let out = Tensor(storage: storage, dtype: dtype, shape: keep.map { shape[$0] }, strides: keep.map { strides[$0] }, offset: offset)
        let inputShape = shape
        return Tensor.record(out, name: name, inputs: [self]) { g in [g.reshape(inputShape)] }
    }

    /// Inserts a dim of size 1 at `dim` (`UnsqueezeBackward0`).
    public func unsqueeze(_ dim: Int) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, rank: rank + 1)
        var newShape = shape, newStrides = strides
        newShape.insert(1, at: d)
        newStrides.insert(d < rank ? strides[d] * shape[d] : 1, at: d)
        let out = Tensor(storage: storage, dtype: dtype, shape: newShape, strides: newStrides, offset: offset)
        let inputShape = shape
        return Tensor.record(out, name: "UnsqueezeBackward0", inputs: [self]) { g in [g.reshape(inputShape)] }
    }

    /// The transpose of a tensor with at most 2 dims, as a view (`TBackward0`).
    public func t() -> Tensor {
        usageCheck(rank <= 2, "t() expects a tensor with <= 2 dimensions, but self is \(rank)D")
        if rank < 2 { return Tensor.record(alias(), name: "TBackward0", inputs: [self]) { g in [g] } }
        let out = swappedView(0, 1)
        return Tensor.record(out, name: "TBackward0", inputs: [self]) { g in [g.swappedView(0, 1)] }
    }

    /// Swaps two dims, as a view (`TransposeBackward0`).
    public func transpose(_ dim0: Int, _ dim1: Int) throws -> Tensor {
        let a = try Shape.normalize(dim: dim0, rank: rank)
        let b = try Shape.normalize(dim: dim1, rank: rank)
        let out = rank == 0 ? alias() : swappedView(a, b)
        return Tensor.record(out, name: "TransposeBackward0", inputs: [self]) { g in
            [g.rank == 0 ? g : g.swappedView(a, b)]
        }
    }

    /// Reorders the dims, as a view (`PermuteBackward0`): dim i of the result is dim `dims[i]` of self.
    public func permute(_ dims: [Int]) throws -> Tensor {
        guard dims.count == rank else {
            throw TensorError("permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = \(rank) is not equal to len(dims) = \(dims.count)")
        }
        var normalized: [Int] = []
        for d in dims {
            let n = try Shape.normalize(dim: d, rank: rank)
            guard !normalized.contains(n) else { throw TensorError("permute(): duplicate dims are not allowed.") }
            normalized.append(n)
        }
        let out = Tensor(storage: storage, dtype: dtype, shape: normalized.map { shape[$0] }, strides: normalized.map { strides[$0] }, offset: offset)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, d) in normalized.enumerated() { inverse[d] = i }
        return Tensor.record(out, name: "PermuteBackward0", inputs: [self]) { g in
            [Tensor(storage: g.storage, dtype: g.dtype, shape: inverse.map { g.shape[$0] }, strides: inverse.map { g.strides[$0] }, offset: g.offset)]
        }
    }

    /// Repeats size-1 dims (and adds leading dims) to reach `newShape`, as a view with stride 0 (`ExpandBackward0`).
    public func expand(_ newShape: [Int]) -> Tensor {
        if newShape == shape { return self }
        let lead = newShape.count - rank
        usageCheck(lead >= 0, "expand: the number of sizes provided (\(newShape.count)) must be greater or equal to the number of dimensions in the tensor (\(rank))")
        var newStrides = [Int](repeating: 0, count: newShape.count)
        var target = newShape
        for i in 0..<rank {
            let size = shape[i], want = newShape[lead + i]
            if want == -1 || want == size {
                target[lead + i] = size
                newStrides[lead + i] = strides[i]
            } else {
                usageCheck(size == 1, "The expanded size of the tensor (\(want)) must match the existing size (\(size)) at non-singleton dimension \(lead + i). Target sizes: \(Shape.describe(newShape)). Tensor sizes: \(Shape.describe(shape))")
            }
        }
        let out = Tensor(storage: storage, dtype: dtype, shape: target, strides: newStrides, offset: offset)
        let inputShape = shape
        return Tensor.record(out, name: "ExpandBackward0", inputs: [self]) { g in [g.sumTo(inputShape)] }
    }

    /// The same tensor if contiguous, otherwise a contiguous copy (`CloneBackward0`).
    public func contiguous() -> Tensor {
        isContiguous ? self : clone()
    }

    /// A copy with its own storage (`CloneBackward0`).
    public func clone() -> Tensor {
        let out = Tensor(floatsOrIntegersOf: self, shape: shape)
        return Tensor.record(out, name: "CloneBackward0", inputs: [self]) { g in [g.clone()] }
    }

    /// A tensor sharing storage but outside the graph, like PyTorch's `detach()`.
    public func detach() -> Tensor { alias() }

    /// The tensor's values outside the graph (PyTorch's `.data`); setting it replaces
    /// this tensor's elements and shape without recording anything.
    public var data: Tensor {
        get { alias() }
        set {
            storage = newValue.storage
            dtype = newValue.dtype
            shape = newValue.shape
            strides = newValue.strides
            offset = newValue.offset
        }
    }

    /// A copy converted to `dtype`; self when the dtype is already `dtype`.
    ///
    /// Between float32 and float64 the copy is tracked (`ToCopyBackward0`, the gradient converted
    /// back); integer results are untracked. NaN, infinities and huge values never trap: to float32
    /// they round (to ±inf), to int64 they become `Int64.min` as on PyTorch's x86 builds.
    public func to(_ newType: DType) -> Tensor {
        if newType == dtype { return self }
        let sourceType = dtype
        switch newType {
        case .float32:
            let out = Tensor(floats: contiguousFloatStorage(), shape: shape)
            return Tensor.record(out, name: "ToCopyBackward0", inputs: [self]) { g in [g.to(sourceType)] }
        case .float64:
            let out = Tensor(doubles: contiguousDoubleStorage(), shape: shape)
            return Tensor.record(out, name: "ToCopyBackward0", inputs: [self]) { g in [g.to(sourceType)] }
        case .int64, .bool:
            let ints = contiguousIntegerStorage()
            if newType == .bool { for i in 0..<ints.count { ints.base[i] = ints.base[i] != 0 ? 1 : 0 } }
            return Tensor(integers: ints, shape: shape, dtype: newType)
        }
    }

    /// A new untracked tensor object viewing the same elements.
    func alias() -> Tensor {
        Tensor(storage: storage, dtype: dtype, shape: shape, strides: strides, offset: offset)
    }

    /// An untracked view with dims `a` and `b` swapped.
    func swappedView(_ a: Int, _ b: Int) -> Tensor {
        var s = shape, st = strides
        s.swapAt(a, b)
        st.swapAt(a, b)
        return Tensor(storage: storage, dtype: dtype, shape: s, strides: st, offset: offset)
    }

    /// A contiguous copy of `source`'s elements with `shape` (same count), keeping the dtype.
    convenience init(floatsOrIntegersOf source: Tensor, shape: [Int]) {
        switch source.storage {
        case .float: self.init(floats: source.contiguousFloatStorage(), shape: shape)
        case .double: self.init(doubles: source.contiguousDoubleStorage(), shape: shape)
        case .integer: self.init(integers: source.contiguousIntegerStorage(), shape: shape, dtype: source.dtype)
        }
    }
}
