// The copy that float64 padding, pooling windows and convolution lowering are built from.

extension Float64Ops {
    /// Copies elements within every H×W plane of `x` (its last two dims) into a new float64
    /// tensor of shape `x`'s leading dims + `trailingShape`: output element j of each plane
    /// copies plane element `sources[j]`, or is `fill` where `sources[j]` is negative.
    ///
    /// The gradient adds each output element's gradient onto the element it copied (recorded as `name`).
    static func gatherPlanes(_ x: Tensor, sources: [Int], trailingShape: [Int], fill: Double, name: String) -> Tensor {
        let planeSize = x.shape.suffix(2).reduce(1, *)
        let planes = x.shape.dropLast(2).reduce(1, *)
        let m = sources.count
        usageCheck(Shape.count(trailingShape) == m, "gather: \(m) sources for trailing shape \(Shape.describe(trailingShape))")
        let out = x.withDoubles { p in
            Storage<Double>(count: planes * m) { o in
                for plane in 0..<planes {
                    for (j, s) in sources.enumerated() { o[plane * m + j] = s >= 0 ? p[plane * planeSize + s] : fill }
                }
            }
        }
        let inputShape = x.shape
        let result = Tensor(doubles: out, shape: Array(x.shape.dropLast(2)) + trailingShape)
        return Tensor.record(result, name: name, inputs: [x]) { g in
            let gradient = g.withDoubles { pg in
                Storage<Double>(repeating: 0, count: planes * planeSize).then { grad in
                    for plane in 0..<planes {
                        for (j, s) in sources.enumerated() where s >= 0 { grad.base[plane * planeSize + s] += pg[plane * m + j] }
                    }
                }
            }
            return [Tensor(doubles: gradient, shape: inputShape)]
        }
    }

    /// For each output cell (row-major over `outH`×`outW`) and each of `windowSize` window
    /// positions, the plane offset `position(cell, k)` returns as (row, column), or -1 where that
    /// position is nil or falls outside the `inH`×`inW` plane.
    static func windowSources(
        outH: Int, outW: Int, windowSize: Int, inH: Int, inW: Int,
        _ position: (_ oh: Int, _ ow: Int, _ k: Int) -> (Int, Int)?
    ) -> [Int] {
        var sources: [Int] = []
        sources.reserveCapacity(outH * outW * windowSize)
        for oh in 0..<outH {
            for ow in 0..<outW {
                for k in 0..<windowSize {
                    if let (h, w) = position(oh, ow, k), h >= 0, h < inH, w >= 0, w < inW {
                        sources.append(h * inW + w)
                    } else {
                        sources.append(-1)
                    }
                }
            }
        }
        return sources
    }
}
