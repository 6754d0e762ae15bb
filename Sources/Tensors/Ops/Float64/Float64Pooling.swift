// float64 pooling: every output cell's window laid out as plane offsets; max pooling picks from
// it, average pooling sums a plane gather of it.

extension Float64Ops {
    /// Max pooling in float64: every window's maximum and its int64 index `h·W + w` (recorded as `name`).
    ///
    /// The float32 op's rule: a larger value or a NaN takes over, so ties go to the first
    /// maximum in scan order and the last NaN wins; the gradient goes to the argmax.
    static func windowMaxima(_ x: Tensor, _ g: PoolGeometry, name: String) -> (values: Tensor, indices: Tensor) {
        let (sources, size) = g.windows()
        let cells = g.planes * g.outPlane
        var values = [Double](repeating: 0, count: cells)
        var indices = [Int64](repeating: 0, count: cells)
        x.withDoubles { p in
            for plane in 0..<g.planes {
                let input = p + plane * g.inPlane
                for cell in 0..<g.outPlane {
                    var (best, bestIndex) = (-Double.infinity, -1)
                    for s in sources[(cell * size)..<((cell + 1) * size)] where s >= 0 {
                        if bestIndex < 0 { bestIndex = s }
                        if input[s] > best || input[s].isNaN { (best, bestIndex) = (input[s], s) }
                    }
                    values[plane * g.outPlane + cell] = best
                    indices[plane * g.outPlane + cell] = Int64(bestIndex)
                }
            }
        }
        let inputShape = x.shape
        let out = Tensor.record(Tensor(shape: g.outputShape, float64Scalars: values), name: name, inputs: [x]) { grad in
            var result = [Double](repeating: 0, count: g.planes * g.inPlane)
            for (i, value) in grad.float64Scalars.enumerated() {
                result[(i / g.outPlane) * g.inPlane + Int(indices[i])] += value
            }
            return [Tensor(shape: inputShape, float64Scalars: result)]
        }
        return (out, Tensor(shape: g.outputShape, int64Scalars: indices))
    }

    /// Average pooling in float64: every window's sum over the input it covers, divided (recorded as `name`).
    ///
    /// `divisors` has one divisor per output cell of a plane; nil divides by the number of
    /// elements covered (adaptive pooling). A window that covers no input element gives 0, as
    /// in the float32 op.
    static func averagePool(_ x: Tensor, _ g: PoolGeometry, divisors: [Double]?, name: String) -> Tensor {
        let (sources, size) = g.windows()
        let divisor = (0..<g.outPlane).map { cell -> Double in
            let covered = sources[(cell * size)..<((cell + 1) * size)].filter { $0 >= 0 }.count
            return covered == 0 ? 1 : divisors?[cell] ?? Double(covered)
        }
        let divisorTensor = Tensor(shape: [g.outH, g.outW], float64Scalars: divisor)
        return composite(name: name, inputs: [x]) { v in
            let windows = gatherPlanes(v[0], sources: sources, trailingShape: [g.outH, g.outW, size], fill: 0, name: "UnfoldBackward0")
            return try! windows.sum(dim: -1) / divisorTensor
        }
    }
}

extension PoolGeometry {
    /// Every output cell's window as plane offsets in scan order, and the window size.
    ///
    /// As in `Float64Ops.windowSources`, -1 marks positions in the padding, past the input, or
    /// past the end of an adaptive window shorter than the longest.
    func windows() -> (sources: [Int], size: Int) {
        guard kH == 0 else {
            return (Float64Ops.windowSources(outH: outH, outW: outW, windowSize: kH * kW, inH: inH, inW: inW) { oh, ow, k in
                (oh * sH - pH + (k / kW) * dH, ow * sW - pW + (k % kW) * dW)
            }, kH * kW)
        }
        let rows = (0..<outH).map { adaptiveRange($0, inH, outH) }
        let columns = (0..<outW).map { adaptiveRange($0, inW, outW) }
        let height = rows.map { $0.1 - $0.0 }.max() ?? 0, width = columns.map { $0.1 - $0.0 }.max() ?? 0
        let sources = Float64Ops.windowSources(outH: outH, outW: outW, windowSize: height * width, inH: inH, inW: inW) { oh, ow, k in
            let (h, w) = (rows[oh].0 + k / width, columns[ow].0 + k % width)
            return h < rows[oh].1 && w < columns[ow].1 ? (h, w) : nil
        }
        return (sources, height * width)
    }
}
