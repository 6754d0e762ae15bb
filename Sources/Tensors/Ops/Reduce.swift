// Reductions: sum, mean, max and min over everything or along dims; argmax and argmin.

extension Tensor {
    // MARK: Sum and mean

    /// The sum of all elements as a 0-d tensor (`SumBackward0`).
    public func sum() -> Tensor {
        if !dtype.isFloatingPoint {
            let total = withInt64s { p in (0..<count).reduce(Int64(0)) { $0 + p[$1] } }
            return Tensor(shape: [], int64Scalars: [total])
        }
        if dtype == .float64 { return Float64Ops.sum(self) }
        let n = count
        let total = withFloats { p in
            var s: Double = 0
            for i in 0..<n { s += Double(p[i]) }
            return Float(s)
        }
        let inputShape = shape
        return Tensor.record(Tensor(total), name: "SumBackward0", inputs: [self]) { g in
            [g.expand(inputShape).contiguous()]
        }
    }

    /// The sum along `dim` (`SumBackward1`); `keepdim` keeps it with size 1.
    public func sum(dim: Int, keepdim: Bool = false) throws -> Tensor {
        try sum(dims: [dim], keepdim: keepdim)
    }

    /// The sum along several dims (`SumBackward1`).
    public func sum(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        let normalized = try normalizedDims(dims)
        return reduceRecorded(normalized, keepdim: keepdim, divisor: 1, name: "SumBackward1")
    }

    /// The mean of all elements as a 0-d tensor (`MeanBackward0`).
    public func mean() -> Tensor {
        if dtype == .float64 { return Float64Ops.mean(self) }
        let n = Float(count)
        let total = noGrad { sum() }.item()
        let inputShape = shape
        return Tensor.record(Tensor(total / n), name: "MeanBackward0", inputs: [self]) { g in
            [Kernels.map(g.expand(inputShape).contiguous()) { $0 / n }]
        }
    }

    /// The mean along `dim` (`MeanBackward1`).
    public func mean(dim: Int, keepdim: Bool = false) throws -> Tensor {
        try mean(dims: [dim], keepdim: keepdim)
    }

    /// The mean along several dims (`MeanBackward1`).
    public func mean(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        let normalized = try normalizedDims(dims)
        let n = normalized.reduce(1) { $0 * shape[$1] }
        return reduceRecorded(normalized, keepdim: keepdim, divisor: n, name: "MeanBackward1")
    }

    /// Normalises and de-duplicates dims, throwing PyTorch's error for an out-of-range one.
    private func normalizedDims(_ dims: [Int]) throws -> [Int] {
        var result: [Int] = []
        for d in dims {
            let n = try Shape.normalize(dim: d, rank: rank)
            guard !result.contains(n) else { throw TensorError("dim \(n) appears multiple times in the list of dims") }
            result.append(n)
        }
        return result.sorted()
    }

    /// Sums along `dims` divided by `divisor`, recording the gradient (broadcast back, divided by `divisor`).
    private func reduceRecorded(_ dims: [Int], keepdim: Bool, divisor: Int, name: String) -> Tensor {
        if dtype == .float64 { return Float64Ops.reduce(self, along: dims, keepdim: keepdim, divisor: divisor, name: name) }
        let scale = 1 / Float(divisor)
        var out = sumAlong(dims, keepdim: keepdim)
        if scale != 1 { out = Kernels.map(out) { $0 * scale } }
        let inputShape = shape
        let keptShape = shape.enumerated().map { dims.contains($0.offset) ? 1 : $0.element }
        return Tensor.record(out, name: name, inputs: [self]) { g in
            let spread = g.reshape(keptShape).expand(inputShape).contiguous()
            return [scale == 1 ? spread : Kernels.map(spread) { $0 * scale }]
        }
    }

    /// The untracked sum along sorted, normalised `dims`.
    func sumAlong(_ dims: [Int], keepdim: Bool) -> Tensor {
        var result = self
        for d in dims.sorted(by: >) { result = result.sumAlongOne(d) }
        if keepdim { return result }
        return result.reshape(shape.enumerated().filter { !dims.contains($0.offset) }.map(\.element))
    }

    /// The untracked sum along one dim, keeping it with size 1.
    private func sumAlongOne(_ d: Int) -> Tensor {
        if dtype == .float64 { return Float64Ops.sumAlongOne(self, d) }
        let (outer, n, inner) = splitAround(d)
        var outShape = shape
        outShape[d] = 1
        let storage = withFloats { p in
            Storage<Float>(repeating: 0, count: outer * inner).then { out in
                let o = out.base
                for a in 0..<outer {
                    let row = o + a * inner
                    for k in 0..<n {
                        let src = p + (a * n + k) * inner
                        for i in 0..<inner { row[i] += src[i] }
                    }
                }
            }
        }
        return Tensor(floats: storage, shape: outShape)
    }

    /// (product of dims before `d`, size of `d`, product of dims after `d`).
    func splitAround(_ d: Int) -> (outer: Int, n: Int, inner: Int) {
        (Shape.count(Array(shape[..<d])), shape[d], Shape.count(Array(shape[(d + 1)...])))
    }

    // MARK: Max and min

    /// The largest element as a 0-d tensor (`MaxBackward1`); tied maxima share the gradient evenly.
    public func max() -> Tensor { extremum(largest: true) }

    /// The smallest element as a 0-d tensor (`MinBackward1`); tied minima share the gradient evenly.
    public func min() -> Tensor { extremum(largest: false) }

    private func extremum(largest: Bool) -> Tensor {
        usageCheck(count > 0, "max(): Expected reduction dim to be specified for input.numel() == 0.")
        if dtype == .float64 { return Float64Ops.extremum(self, largest: largest) }
        let n = count
        let best = withFloats { p in
            var b = p[0]
            for i in 1..<n where p[i].isNaN || (largest ? p[i] > b : p[i] < b) {
                b = p[i]
                if b.isNaN { break }
            }
            return b
        }
        return Tensor.record(Tensor(best), name: largest ? "MaxBackward1" : "MinBackward1", inputs: [self]) { g in
            let ties = Float(self.withFloats { p in (0..<n).filter { p[$0] == best }.count })
            let share = g.item() / Swift.max(ties, 1)
            return [Kernels.map(self) { $0 == best ? share : 0 }]
        }
    }

    /// The largest values along `dim` and their indices (`MaxBackward0`); the gradient goes to the first maximum.
    public func max(dim: Int, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extremum(dim: dim, keepdim: keepdim, largest: true)
    }

    /// The smallest values along `dim` and their indices (`MinBackward0`).
    public func min(dim: Int, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extremum(dim: dim, keepdim: keepdim, largest: false)
    }

    /// The index of the largest element in row-major order (int64, 0-d).
    public func argmax() -> Tensor { noGrad { flatten().extremumAlong(0, keepdim: false, largest: true).indices } }

    /// The index of the smallest element in row-major order (int64, 0-d).
    public func argmin() -> Tensor { noGrad { flatten().extremumAlong(0, keepdim: false, largest: false).indices } }

    /// The indices of the largest values along `dim` (int64).
    public func argmax(dim: Int, keepdim: Bool = false) throws -> Tensor {
        try noGrad { try extremum(dim: dim, keepdim: keepdim, largest: true).indices }
    }

    /// The indices of the smallest values along `dim` (int64).
    public func argmin(dim: Int, keepdim: Bool = false) throws -> Tensor {
        try noGrad { try extremum(dim: dim, keepdim: keepdim, largest: false).indices }
    }

    private func extremum(dim: Int, keepdim: Bool, largest: Bool) throws -> (values: Tensor, indices: Tensor) {
        let d = try Shape.normalize(dim: dim, rank: rank)
        if rank == 0 { return (extremumAlong0d(), Tensor(shape: [], int64Scalars: [0])) }
        guard shape[d] > 0 else {
            throw TensorError("\(largest ? "max" : "min")(): Expected reduction dim \(d) to have non-zero size.")
        }
        return extremumAlong(d, keepdim: keepdim, largest: largest)
    }

    private func extremumAlong0d() -> Tensor {
        Tensor.record(Tensor(floatsOrIntegersOf: self, shape: shape), name: "MaxBackward0", inputs: [self]) { g in [g.clone()] }
    }

    /// Values and first indices of the extremum along normalised dim `d`.
    func extremumAlong(_ d: Int, keepdim: Bool, largest: Bool) -> (values: Tensor, indices: Tensor) {
        if dtype == .float64 { return Float64Ops.extremum(self, along: d, keepdim: keepdim, largest: largest) }
        let (outer, n, inner) = splitAround(d)
        var keptShape = shape
        keptShape[d] = 1
        let valueStorage = Storage<Float>(repeating: 0, count: outer * inner)
        let indexStorage = Storage<Int64>(repeating: 0, count: outer * inner)
        withFloats { p in
            for a in 0..<outer {
                for i in 0..<inner {
                    var best = p[a * n * inner + i]
                    var bestIndex = 0
                    if !best.isNaN {
                        for k in 1..<Swift.max(n, 1) {
                            let v = p[(a * n + k) * inner + i]
                            if v.isNaN || (largest ? v > best : v < best) {
                                best = v
                                bestIndex = k
                                if v.isNaN { break }
                            }
                        }
                    }
                    valueStorage.base[a * inner + i] = best
                    indexStorage.base[a * inner + i] = Int64(bestIndex)
                }
            }
        }
        let outShape = keepdim ? keptShape : shape.enumerated().filter { $0.offset != d }.map(\.element)
        let values = Tensor(floats: valueStorage, shape: outShape)
        let indices = Tensor(integers: indexStorage, shape: outShape)
        let inputShape = shape
        let recorded = Tensor.record(values, name: largest ? "MaxBackward0" : "MinBackward0", inputs: [self]) { g in
            let grad = Storage<Float>(repeating: 0, count: outer * n * inner)
            g.withFloats { pg in
                for a in 0..<outer {
                    for i in 0..<inner {
                        let k = Int(indexStorage.base[a * inner + i])
                        grad.base[(a * n + k) * inner + i] = pg[a * inner + i]
                    }
                }
            }
            return [Tensor(floats: grad, shape: inputShape)]
        }
        return (recorded, indices)
    }
}

extension Storage {
    /// Runs `body` on the new storage and returns it (for building results in one expression).
    @inline(__always)
    func then(_ body: (Storage) -> Void) -> Storage {
        body(self)
        return self
    }
}
