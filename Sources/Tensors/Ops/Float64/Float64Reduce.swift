// float64 reductions: sums and means over everything or along dims, max and min with their indices.

extension Float64Ops {
    /// The sum of all elements as a 0-d float64 tensor (`SumBackward0`).
    static func sum(_ x: Tensor) -> Tensor {
        let n = x.count
        let total = x.withDoubles { p in (0..<n).reduce(0.0) { $0 + p[$1] } }
        let inputShape = x.shape
        return Tensor.record(Tensor(float64: total), name: "SumBackward0", inputs: [x]) { g in
            [g.expand(inputShape).contiguous()]
        }
    }

    /// The mean of all elements as a 0-d float64 tensor (`MeanBackward0`).
    static func mean(_ x: Tensor) -> Tensor {
        let n = Double(x.count)
        let total = noGrad { sum(x) }.doubleItem()
        let inputShape = x.shape
        return Tensor.record(Tensor(float64: total / n), name: "MeanBackward0", inputs: [x]) { g in
            [DoubleKernels.map(g.expand(inputShape)) { $0 / n }]
        }
    }

    /// The sum along sorted, normalised `dims` divided by `divisor` (1 for a sum, the count for a mean),
    /// recording the gradient (spread back, divided by `divisor`).
    static func reduce(_ x: Tensor, along dims: [Int], keepdim: Bool, divisor: Int, name: String) -> Tensor {
        let divisor = Double(divisor)
        let summed = x.sumAlong(dims, keepdim: keepdim)
        let out = divisor == 1 ? summed : DoubleKernels.map(summed) { $0 / divisor }
        let inputShape = x.shape
        let keptShape = x.shape.enumerated().map { dims.contains($0.offset) ? 1 : $0.element }
        return Tensor.record(out, name: name, inputs: [x]) { g in
            [DoubleKernels.map(g.reshape(keptShape).expand(inputShape)) { $0 / divisor }]
        }
    }

    /// The untracked sum along dim `d`, keeping it with size 1.
    static func sumAlongOne(_ x: Tensor, _ d: Int) -> Tensor {
        var outShape = x.shape
        outShape[d] = 1
        let rows = Shape.count(outShape), n = x.shape[d]
        let storage = x.movedToLast(d).withDoubles { p in
            Storage<Double>(count: rows) { out in
                for r in 0..<rows { out[r] = (0..<n).reduce(0.0) { $0 + p[r * n + $1] } }
            }
        }
        return Tensor(doubles: storage, shape: outShape)
    }

    /// The largest (or smallest) element as a 0-d tensor (`MaxBackward1` / `MinBackward1`);
    /// a NaN wins, and tied extrema share the gradient evenly, as in PyTorch.
    static func extremum(_ x: Tensor, largest: Bool) -> Tensor {
        let values = x.float64Scalars
        let best = values[firstExtremum(values[...], largest: largest)]
        return Tensor.record(Tensor(float64: best), name: largest ? "MaxBackward1" : "MinBackward1", inputs: [x]) { g in
            let ties = Double(values.filter { $0 == best }.count)
            let share = g.doubleItem() / Swift.max(ties, 1)
            return [Tensor(shape: x.shape, float64Scalars: values.map { $0 == best ? share : 0 })]
        }
    }

    /// Values and first indices of the extremum along normalised dim `d` (`MaxBackward0` /
    /// `MinBackward0`); the gradient goes to the first extremum (a NaN wins).
    static func extremum(_ x: Tensor, along d: Int, keepdim: Bool, largest: Bool) -> (values: Tensor, indices: Tensor) {
        let n = x.shape[d]
        let moved = x.movedToLast(d)
        let rows = n == 0 ? 0 : moved.count / n
        let elements = moved.float64Scalars
        let firsts = (0..<rows).map { r in firstExtremum(elements[(r * n)..<(r * n + n)], largest: largest) - r * n }
        let outShape = keepdim ? x.shape.enumerated().map { $0.offset == d ? 1 : $0.element }
                               : x.shape.enumerated().filter { $0.offset != d }.map(\.element)
        let values = Tensor(shape: outShape, float64Scalars: firsts.enumerated().map { elements[$0.offset * n + $0.element] })
        let indices = Tensor(shape: outShape, int64Scalars: firsts.map { Int64($0) })
        let recorded = Tensor.record(values, name: largest ? "MaxBackward0" : "MinBackward0", inputs: [x]) { g in
            var spread = [Double](repeating: 0, count: rows * n)
            for (r, value) in g.float64Scalars.enumerated() { spread[r * n + firsts[r]] = value }
            return [Tensor(shape: moved.shape, float64Scalars: spread).movedBack(from: d)]
        }
        return (recorded, indices)
    }

    /// The position in `values` of the first largest (or smallest) element; the first NaN wins.
    static func firstExtremum(_ values: ArraySlice<Double>, largest: Bool) -> Int {
        var best = values.startIndex
        for i in values.indices where values[i].isNaN || (largest ? values[i] > values[best] : values[i] < values[best]) {
            best = i
            if values[i].isNaN { break }
        }
        return best
    }
}

extension Tensor {
    /// An untracked view with dim `d` moved to the end (the other dims keep their order).
    func movedToLast(_ d: Int) -> Tensor {
        var order = Array(0..<rank)
        order.remove(at: d)
        order.append(d)
        return Tensor(storage: storage, dtype: dtype, shape: order.map { shape[$0] }, strides: order.map { strides[$0] }, offset: offset)
    }

    /// The inverse of `movedToLast(d)`: a contiguous copy with the last dim moved back to `d`.
    func movedBack(from d: Int) -> Tensor {
        var order = Array(0..<(rank - 1))
        order.insert(rank - 1, at: d)
        let view = Tensor(storage: storage, dtype: dtype, shape: order.map { shape[$0] }, strides: order.map { strides[$0] }, offset: offset)
        return Tensor(floatsOrIntegersOf: view, shape: view.shape)
    }
}
