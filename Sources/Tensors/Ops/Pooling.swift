// 2-D max, average and adaptive pooling over NCHW (or unbatched CHW) float32 tensors
// (float64 ones go to `Float64Ops`, once per op).
//
// Every op sees the input as `planes` = N·C independent H×W planes; the planes are shared
// among the calling thread's compute threads, each plane's windows are scanned in plain loops.

import CVectorKernels

/// Where pooling windows lie on one H×W plane and on its output plane.
struct PoolGeometry: Sendable {
    /// N·C (or C for an unbatched input).
    var planes: Int
    var inH: Int, inW: Int
    var outH: Int, outW: Int
    var kH: Int, kW: Int
    var sH: Int, sW: Int
    var pH: Int, pW: Int
    var dH: Int = 1, dW: Int = 1
    /// The output's shape: the input's leading dims, then outH, outW.
    var outputShape: [Int]

    var inPlane: Int { inH * inW }
    var outPlane: Int { outH * outW }
}

extension Tensor {
    // MARK: Max pooling

    /// 2-D max pooling (`MaxPool2DWithIndicesBackward0`), PyTorch's `F.max_pool2d`.
    ///
    /// The input is [N, C, H, W] or [C, H, W]; `stride` defaults to the kernel size.
    /// Padding is −∞ and at most half the (dilated) kernel. With `ceilMode` a last partial
    /// window is kept when it starts inside the input or the left padding. Ties go to the
    /// first maximum in the window's row-major scan order, which also gets the gradient;
    /// a NaN in a window wins. Throws PyTorch's errors for bad sizes.
    public func maxPool2d(kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                          dilation: (Int, Int) = (1, 1), ceilMode: Bool = false) throws -> Tensor {
        try maxPool2dWithIndices(kernelSize: kernelSize, stride: stride, padding: padding,
                                 dilation: dilation, ceilMode: ceilMode).values
    }

    /// 2-D max pooling with square kernel, stride, padding and dilation (see the tuple form).
    public func maxPool2d(kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1,
                          ceilMode: Bool = false) throws -> Tensor {
        try maxPool2d(kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) },
                      padding: (padding, padding), dilation: (dilation, dilation), ceilMode: ceilMode)
    }

    /// 2-D max pooling that also returns the int64 indices of the maxima (`return_indices=True`).
    ///
    /// An index is `h·W + w` within the input's own H×W plane, as PyTorch's.
    public func maxPool2dWithIndices(kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                                     dilation: (Int, Int) = (1, 1), ceilMode: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        let g = try poolGeometry(kernelSize: kernelSize, stride: stride ?? kernelSize, padding: padding,
                                 dilation: dilation, ceilMode: ceilMode)
        return windowMaxima(g, name: "MaxPool2DWithIndicesBackward0")
    }

    /// 2-D max pooling with indices, square kernel, stride, padding and dilation.
    public func maxPool2dWithIndices(kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1,
                                     ceilMode: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try maxPool2dWithIndices(kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) },
                                 padding: (padding, padding), dilation: (dilation, dilation), ceilMode: ceilMode)
    }

    // MARK: Average pooling

    /// 2-D average pooling (`AvgPool2DBackward0`), PyTorch's `F.avg_pool2d`.
    ///
    /// Each window's sum is divided by `divisorOverride` when given, else by the window's size
    /// clipped to the padded input (`countIncludePad`) or to the input itself.
    public func avgPool2d(kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                          ceilMode: Bool = false, countIncludePad: Bool = true, divisorOverride: Int? = nil) throws -> Tensor {
        if let divisor = divisorOverride, divisor == 0 { throw TensorError("divisor must be not zero") }
        let g = try poolGeometry(kernelSize: kernelSize, stride: stride ?? kernelSize, padding: padding,
                                 dilation: (1, 1), ceilMode: ceilMode)
        let divisors = Tensor.averageDivisors(g, countIncludePad: countIncludePad, divisorOverride: divisorOverride)
        if dtype == .float64 { return Float64Ops.averagePool(self, g, divisors: divisors.map(Double.init), name: "AvgPool2DBackward0") }
        let out = Storage<Float>(uninitializedCount: g.planes * g.outPlane)  // every window is written
        withFloats { p in
            let (x, y) = (ChunkShared(p), ChunkShared(out.base))
            Kernels.forEachRange(g.planes, minimum: Tensor.planesWorthSharing(g)) { planes in
                let src = x.pointer, dst = y.pointer
                for plane in planes {
                    let input = src + plane * g.inPlane, output = dst + plane * g.outPlane
                    for oh in 0..<g.outH {
                        let (h0, h1) = g.clippedRows(oh)
                        for ow in 0..<g.outW {
                            let (w0, w1) = g.clippedColumns(ow)
                            var sum: Float = 0
                            for h in h0..<Swift.max(h0, h1) {
                                let row = input + h * g.inW
                                for w in w0..<Swift.max(w0, w1) { sum += row[w] }
                            }
                            let cell = oh * g.outW + ow
                            output[cell] = h0 < h1 && w0 < w1 ? sum / divisors[cell] : 0
                        }
                    }
                }
            }
        }
        let inputShape = shape
        return Tensor.record(Tensor(floats: out, shape: g.outputShape), name: "AvgPool2DBackward0", inputs: [self]) { grad in
            let result = Storage<Float>(repeating: 0, count: g.planes * g.inPlane)
            grad.withFloats { pg in
                let (x, y) = (ChunkShared(pg), ChunkShared(result.base))
                Kernels.forEachRange(g.planes, minimum: Tensor.planesWorthSharing(g)) { planes in
                    let src = x.pointer, dst = y.pointer
                    for plane in planes {
                        let gradOut = src + plane * g.outPlane, gradIn = dst + plane * g.inPlane
                        for oh in 0..<g.outH {
                            let (h0, h1) = g.clippedRows(oh)
                            for ow in 0..<g.outW {
                                let (w0, w1) = g.clippedColumns(ow)
                                let cell = oh * g.outW + ow
                                let share = gradOut[cell] / divisors[cell]
                                for h in h0..<Swift.max(h0, h1) {
                                    let row = gradIn + h * g.inW
                                    for w in w0..<Swift.max(w0, w1) { row[w] += share }
                                }
                            }
                        }
                    }
                }
            }
            return [Tensor(floats: result, shape: inputShape)]
        }
    }

    /// 2-D average pooling with square kernel, stride and padding (see the tuple form).
    public func avgPool2d(kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false,
                          countIncludePad: Bool = true, divisorOverride: Int? = nil) throws -> Tensor {
        try avgPool2d(kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) }, padding: (padding, padding),
                      ceilMode: ceilMode, countIncludePad: countIncludePad, divisorOverride: divisorOverride)
    }

    // MARK: Adaptive pooling

    /// Adaptive 2-D average pooling to `outputSize` (`AdaptiveAvgPool2DBackward0`; `MeanBackward1` for 1×1, as PyTorch).
    ///
    /// Output cell i along a dim of input size In and output size Out averages the input from
    /// floor(i·In/Out) to ceil((i+1)·In/Out). A nil size keeps the input's.
    public func adaptiveAvgPool2d(_ outputSize: (Int?, Int?)) throws -> Tensor {
        let g = try adaptiveGeometry(outputSize, op: "adaptive_avg_pool2d", colon: "")
        let name = g.outH == 1 && g.outW == 1 ? "MeanBackward1" : "AdaptiveAvgPool2DBackward0"
        if dtype == .float64 { return Float64Ops.averagePool(self, g, divisors: nil, name: name) }
        let out = Storage<Float>(uninitializedCount: g.planes * g.outPlane)  // every cell is written
        withFloats { p in
            let (x, y) = (ChunkShared(p), ChunkShared(out.base))
            Kernels.forEachRange(g.planes, minimum: Tensor.planesWorthSharing(g)) { planes in
                let src = x.pointer, dst = y.pointer
                for plane in planes {
                    let input = src + plane * g.inPlane, output = dst + plane * g.outPlane
                    for oh in 0..<g.outH {
                        let (h0, h1) = adaptiveRange(oh, g.inH, g.outH)
                        for ow in 0..<g.outW {
                            let (w0, w1) = adaptiveRange(ow, g.inW, g.outW)
                            var sum: Float = 0
                            for h in h0..<h1 {
                                let row = input + h * g.inW
                                for w in w0..<w1 { sum += row[w] }
                            }
                            output[oh * g.outW + ow] = sum / Float((h1 - h0) * (w1 - w0))
                        }
                    }
                }
            }
        }
        let inputShape = shape
        return Tensor.record(Tensor(floats: out, shape: g.outputShape), name: name, inputs: [self]) { grad in
            let result = Storage<Float>(repeating: 0, count: g.planes * g.inPlane)
            grad.withFloats { pg in
                let (x, y) = (ChunkShared(pg), ChunkShared(result.base))
                Kernels.forEachRange(g.planes, minimum: Tensor.planesWorthSharing(g)) { planes in
                    let src = x.pointer, dst = y.pointer
                    for plane in planes {
                        let gradOut = src + plane * g.outPlane, gradIn = dst + plane * g.inPlane
                        for oh in 0..<g.outH {
                            let (h0, h1) = adaptiveRange(oh, g.inH, g.outH)
                            for ow in 0..<g.outW {
                                let (w0, w1) = adaptiveRange(ow, g.inW, g.outW)
                                let share = gradOut[oh * g.outW + ow] / Float((h1 - h0) * (w1 - w0))
                                for h in h0..<h1 {
                                    let row = gradIn + h * g.inW
                                    for w in w0..<w1 { row[w] += share }
                                }
                            }
                        }
                    }
                }
            }
            return [Tensor(floats: result, shape: inputShape)]
        }
    }

    /// Adaptive 2-D average pooling to a square `outputSize`.
    public func adaptiveAvgPool2d(_ outputSize: Int) throws -> Tensor {
        try adaptiveAvgPool2d((outputSize, outputSize))
    }

    /// Adaptive 2-D max pooling to `outputSize` (`AdaptiveMaxPool2DBackward0`), windows as `adaptiveAvgPool2d`.
    public func adaptiveMaxPool2d(_ outputSize: (Int?, Int?)) throws -> Tensor {
        try adaptiveMaxPool2dWithIndices(outputSize).values
    }

    /// Adaptive 2-D max pooling to a square `outputSize`.
    public func adaptiveMaxPool2d(_ outputSize: Int) throws -> Tensor {
        try adaptiveMaxPool2d((outputSize, outputSize))
    }

    /// Adaptive 2-D max pooling that also returns the int64 indices `h·W + w` of the maxima.
    public func adaptiveMaxPool2dWithIndices(_ outputSize: (Int?, Int?)) throws -> (values: Tensor, indices: Tensor) {
        let g = try adaptiveGeometry(outputSize, op: "adaptive_max_pool2d", colon: ":")
        return windowMaxima(g, name: "AdaptiveMaxPool2DBackward0")
    }

    /// Adaptive 2-D max pooling with indices to a square `outputSize`.
    public func adaptiveMaxPool2dWithIndices(_ outputSize: Int) throws -> (values: Tensor, indices: Tensor) {
        try adaptiveMaxPool2dWithIndices((outputSize, outputSize))
    }

    // MARK: Shared pieces

    /// The maxima of every window (fixed windows, or adaptive ones when `g.kH == 0`), their
    /// indices, and the backward that sends each output's gradient to its argmax.
    private func windowMaxima(_ g: PoolGeometry, name: String) -> (values: Tensor, indices: Tensor) {
        if dtype == .float64 { return Float64Ops.windowMaxima(self, g, name: name) }
        let n = g.planes * g.outPlane
        let values = Storage<Float>(uninitializedCount: n), indices = Storage<Int64>(uninitializedCount: n)  // all written
        let adaptive = g.kH == 0
        withFloats { p in
            let (x, y, z) = (ChunkShared(p), ChunkShared(values.base), ChunkShared(indices.base))
            Kernels.forEachRange(g.planes, minimum: Tensor.planesWorthSharing(g)) { planes in
                let src = x.pointer, dst = y.pointer, at = z.pointer
                for plane in planes {
                    let input = src + plane * g.inPlane
                    let output = dst + plane * g.outPlane, argmaxes = at + plane * g.outPlane
                    if g.isWholeTwoByTwo {
                        maximaOfTwoByTwoWindows(input, output, argmaxes, g)
                        continue
                    }
                    for oh in 0..<g.outH {
                        let (h0, h1, hStep) = adaptive ? adaptiveSteps(oh, g.inH, g.outH) : g.dilatedRows(oh)
                        for ow in 0..<g.outW {
                            let (w0, w1, wStep) = adaptive ? adaptiveSteps(ow, g.inW, g.outW) : g.dilatedColumns(ow)
                            var best = -Float.infinity
                            var bestIndex = h0 * g.inW + w0
                            // While loops with wrapping steps: `stride(from:to:by:)` checks overflow on every step.
                            var h = h0
                            while h < h1 {
                                let row = input + h * g.inW
                                var w = w0
                                while w < w1 {
                                    let v = row[w]
                                    // PyTorch's rule: a larger value or a NaN takes over.
                                    let better = v > best || v != v
                                    best = better ? v : best
                                    bestIndex = better ? h &* g.inW &+ w : bestIndex
                                    w &+= wStep
                                }
                                h &+= hStep
                            }
                            output[oh * g.outW + ow] = best
                            argmaxes[oh * g.outW + ow] = Int64(bestIndex)
                        }
                    }
                }
            }
        }
        let inputShape = shape
        let out = Tensor.record(Tensor(floats: values, shape: g.outputShape), name: name, inputs: [self]) { grad in
            // Windows that tile the plane write every element; otherwise gradients are added onto zeros.
            let tiles = g.isWholeTwoByTwo && 2 * g.outH == g.inH && 2 * g.outW == g.inW
            let result = tiles ? Storage<Float>(uninitializedCount: g.planes * g.inPlane) : Storage<Float>(repeating: 0, count: g.planes * g.inPlane)
            grad.withFloats { pg in
                let (x, y, z) = (ChunkShared(pg), ChunkShared(result.base), ChunkShared(indices.base))
                Kernels.forEachRange(g.planes, minimum: Tensor.planesWorthSharing(g)) { planes in
                    let src = x.pointer, dst = y.pointer, at = z.pointer
                    if tiles {
                        let first = planes.lowerBound
                        (at + first * g.outPlane).withMemoryRebound(to: CLongLong.self, capacity: planes.count * g.outPlane) {
                            tt_max_pool_2x2_backward(src + first * g.outPlane, $0, dst + first * g.inPlane, planes.count, g.outH, g.outW)
                        }
                        return
                    }
                    for plane in planes {
                        let gradOut = src + plane * g.outPlane, gradIn = dst + plane * g.inPlane
                        let argmaxes = at + plane * g.outPlane
                        for cell in 0..<g.outPlane { gradIn[Int(argmaxes[cell])] += gradOut[cell] }
                    }
                }
            }
            return [Tensor(floats: result, shape: inputShape)]
        }
        return (out, Tensor(integers: indices, shape: g.outputShape))
    }

    /// The planes count and output shape of a pooling op, after PyTorch's input checks.
    private func poolPlanes(_ outH: Int, _ outW: Int) -> (planes: Int, outputShape: [Int]) {
        let leading = Array(shape.dropLast(2))
        return (leading.reduce(1, *), leading + [outH, outW])
    }

    /// Checks the arguments and input of `max_pool2d`/`avg_pool2d` as PyTorch does and lays out the windows.
    private func poolGeometry(kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int),
                              dilation: (Int, Int), ceilMode: Bool) throws -> PoolGeometry {
        let (kH, kW) = kernelSize, (sH, sW) = stride, (pH, pW) = padding, (dH, dW) = dilation
        guard kH > 0, kW > 0 else { throw TensorError("kernel size should be greater than zero, but got kH: \(kH) kW: \(kW)") }
        guard sH != 0, sW != 0 else { throw TensorError("stride should not be zero") }
        guard pH >= 0, pW >= 0 else { throw TensorError("pad must be non-negative") }
        guard sH > 0, sW > 0 else { throw TensorError("stride should be greater than zero, but got dH: \(sH) dW: \(sW)") }
        guard dH > 0, dW > 0 else {
            throw TensorError("dilation should be greater than zero, but got dilationH: \(dH) dilationW: \(dW)")
        }
        guard rank == 3 || rank == 4 else { throw TensorError("non-empty 3D or 4D (batch mode) tensor expected for input") }
        guard shape.dropFirst(rank - 3).allSatisfy({ $0 > 0 }) else {
            throw TensorError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:\(Shape.describe(shape))")
        }
        let (channels, inH, inW) = (shape[rank - 3], shape[rank - 2], shape[rank - 1])
        let outH = try Tensor.pooledSize(inH, kernel: kH, stride: sH, padding: pH, dilation: dH, ceilMode: ceilMode)
        let outW = try Tensor.pooledSize(inW, kernel: kW, stride: sW, padding: pW, dilation: dW, ceilMode: ceilMode)
        guard kW / 2 >= pW, kH / 2 >= pH else {
            throw TensorError("pad should be smaller than or equal to half of kernel size, but got padW = \(pW), padH = \(pH), kW = \(kW), kH = \(kH)")
        }
        guard outH >= 1, outW >= 1 else {
            throw TensorError("Given input size: (\(channels)x\(inH)x\(inW)). Calculated output size: (\(channels)x\(outH)x\(outW)). Output size is too small")
        }
        let (planes, outputShape) = poolPlanes(outH, outW)
        return PoolGeometry(planes: planes, inH: inH, inW: inW, outH: outH, outW: outW, kH: kH, kW: kW,
                            sH: sH, sW: sW, pH: pH, pW: pW, dH: dH, dW: dW, outputShape: outputShape)
    }

    /// Checks the input of an adaptive pooling op as PyTorch does; the geometry has kH = 0 (adaptive windows).
    private func adaptiveGeometry(_ outputSize: (Int?, Int?), op: String, colon: String) throws -> PoolGeometry {
        guard rank == 3 || rank == 4 else { throw TensorError("\(op)(): Expected 3D or 4D tensor, but got\(colon) \(Shape.describe(shape))") }
        for d in (rank - 2)..<rank where shape[d] == 0 {
            throw TensorError("\(op)(): Expected input to have non-zero size for non-batch dimensions, but input has sizes \(Shape.describe(shape)) with dimension \(d) being empty")
        }
        let inH = shape[rank - 2], inW = shape[rank - 1]
        let outH = outputSize.0 ?? inH, outW = outputSize.1 ?? inW
        guard outH >= 0, outW >= 0 else {
            throw TensorError("\(op): elements of output_size must be greater than or equal to 0 but received {\(outH), \(outW)}")
        }
        let (planes, outputShape) = poolPlanes(outH, outW)
        return PoolGeometry(planes: planes, inH: inH, inW: inW, outH: outH, outW: outW, kH: 0, kW: 0,
                            sH: 1, sW: 1, pH: 0, pW: 0, outputShape: outputShape)
    }

    /// PyTorch's `pooling_output_shape`: windows along one dim, with its padding check.
    static func pooledSize(_ size: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, ceilMode: Bool) throws -> Int {
        let effective = (kernel - 1) * dilation + 1
        guard padding <= effective / 2 else {
            throw TensorError("pad should be at most half of effective kernel size, but got pad=\(padding), kernel_size=\(kernel) and dilation=\(dilation)")
        }
        let span = size + 2 * padding - effective + (ceilMode ? stride - 1 : 0)
        var out = Int((Double(span) / Double(stride)).rounded(.down)) + 1
        // The last window must start inside the input or the left padding.
        if ceilMode, (out - 1) * stride >= size + padding { out -= 1 }
        return out
    }

    /// The divisor of every output cell of an average pooling (the same for every plane).
    private static func averageDivisors(_ g: PoolGeometry, countIncludePad: Bool, divisorOverride: Int?) -> [Float] {
        var divisors = [Float](repeating: 1, count: g.outPlane)
        for oh in 0..<g.outH {
            let top = oh * g.sH - g.pH, bottom = Swift.min(top + g.kH, g.inH + g.pH)
            let (h0, h1) = g.clippedRows(oh)
            for ow in 0..<g.outW {
                let left = ow * g.sW - g.pW, right = Swift.min(left + g.kW, g.inW + g.pW)
                let (w0, w1) = g.clippedColumns(ow)
                let divisor = divisorOverride ?? (countIncludePad ? (bottom - top) * (right - left) : (h1 - h0) * (w1 - w0))
                divisors[oh * g.outW + ow] = Float(divisor)
            }
        }
        return divisors
    }

    /// Planes from which a pooling op is worth sharing among compute threads.
    private static func planesWorthSharing(_ g: PoolGeometry) -> Int {
        Tensor.parallelElements / Swift.max(g.inPlane + g.outPlane, 1)
    }
}

extension PoolGeometry {
    /// Whether every window is a whole 2×2 block side by side (`MaxPool2d(2)` without a partial last window).
    var isWholeTwoByTwo: Bool {
        kH == 2 && kW == 2 && sH == 2 && sW == 2 && pH == 0 && pW == 0 && dH == 1 && dW == 1
            && 2 * outH <= inH && 2 * outW <= inW
    }

    /// Input rows [start, end) of output row `oh` and their step, padding rows skipped (max pooling).
    @inline(__always)
    func dilatedRows(_ oh: Int) -> (Int, Int, Int) {
        var start = oh * sH - pH
        let end = Swift.min(start + (kH - 1) * dH + 1, inH)
        while start < 0 { start += dH }
        return (start, end, dH)
    }

    /// Input columns [start, end) of output column `ow` and their step, padding skipped (max pooling).
    @inline(__always)
    func dilatedColumns(_ ow: Int) -> (Int, Int, Int) {
        var start = ow * sW - pW
        let end = Swift.min(start + (kW - 1) * dW + 1, inW)
        while start < 0 { start += dW }
        return (start, end, dW)
    }

    /// Input rows [start, end) of output row `oh` inside the input (average pooling).
    @inline(__always)
    func clippedRows(_ oh: Int) -> (Int, Int) {
        let start = oh * sH - pH
        return (Swift.max(start, 0), Swift.min(start + kH, inH))
    }

    /// Input columns [start, end) of output column `ow` inside the input (average pooling).
    @inline(__always)
    func clippedColumns(_ ow: Int) -> (Int, Int) {
        let start = ow * sW - pW
        return (Swift.max(start, 0), Swift.min(start + kW, inW))
    }
}

/// The input range [floor(i·In/Out), ceil((i+1)·In/Out)) of adaptive output cell `i`, as PyTorch's.
@inline(__always)
func adaptiveRange(_ i: Int, _ inSize: Int, _ outSize: Int) -> (Int, Int) {
    (i * inSize / outSize, ((i + 1) * inSize + outSize - 1) / outSize)
}

/// `adaptiveRange` with a step of 1, in the shape of `PoolGeometry.dilatedRows`.
@inline(__always)
func adaptiveSteps(_ i: Int, _ inSize: Int, _ outSize: Int) -> (Int, Int, Int) {
    let (start, end) = adaptiveRange(i, inSize, outSize)
    return (start, end, 1)
}

/// The general max-pooling loop's result for whole 2×2 windows at stride 2, without its per-window set-up.
///
/// The same scan order (top-left, top-right, bottom-left, bottom-right) and rule: a larger value
/// or a NaN takes over. Rows of at least four windows go four windows at a time, the last four
/// of a row overlapping the ones before when the row is not a multiple of four (they are
/// computed again, to the same values); narrower rows, one window at a time.
@inline(__always)
private func maximaOfTwoByTwoWindows(_ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>,
                                     _ argmaxes: UnsafeMutablePointer<Int64>, _ g: PoolGeometry) {
    let inW = g.inW, outW = g.outW
    let vectorised = outW >= 4 && inW < Int(Int32.max) - 1
    for oh in 0..<g.outH {
        let top = input + 2 * oh * inW, bottom = top + inW
        let cells = oh * outW
        if vectorised {
            var ow = 0
            while true {
                maximaOfFourWindows(top + 2 * ow, inW: inW, first: 2 * oh * inW + 2 * ow, output + cells + ow, argmaxes + cells + ow)
                if ow == outW - 4 { break }
                ow = Swift.min(ow + 4, outW - 4)
            }
            continue
        }
        for ow in 0..<outW {
            let w = 2 * ow
            var best = top[w], bestIndex = 2 * oh * inW + w  // -inf < v or v is NaN: the first always takes over
            let first = bestIndex
            takeOver(top[w + 1], first + 1, &best, &bestIndex)
            takeOver(bottom[w], first + inW, &best, &bestIndex)
            takeOver(bottom[w + 1], first + inW + 1, &best, &bestIndex)
            output[cells + ow] = best
            argmaxes[cells + ow] = Int64(bestIndex)
        }
    }
}

/// Four neighbouring 2×2 windows whose top-left cell is `top` (the first at plane index
/// `first`): their maxima and argmaxes by the scalar loop's rule, in four-lane vectors.
@inline(__always)
private func maximaOfFourWindows(_ top: UnsafeMutablePointer<Float>, inW: Int, first: Int,
                                 _ output: UnsafeMutablePointer<Float>, _ argmaxes: UnsafeMutablePointer<Int64>) {
    let upper = UnsafeRawPointer(top).loadUnaligned(as: SIMD8<Float>.self)
    let lower = UnsafeRawPointer(top + inW).loadUnaligned(as: SIMD8<Float>.self)
    var best = upper.evenHalf
    var offset = SIMD4<Int32>(repeating: 0)
    takeOver(upper.oddHalf, 1, &best, &offset)
    takeOver(lower.evenHalf, Int32(inW), &best, &offset)
    takeOver(lower.oddHalf, Int32(inW + 1), &best, &offset)
    UnsafeMutableRawPointer(output).storeBytes(of: best, as: SIMD4<Float>.self)
    let firsts = SIMD4<Int64>(repeating: Int64(first)) &+ SIMD4<Int64>(0, 2, 4, 6)
    UnsafeMutableRawPointer(argmaxes).storeBytes(of: firsts &+ SIMD4<Int64>(truncatingIfNeeded: offset), as: SIMD4<Int64>.self)
}

/// `takeOver` for four windows at once: lanes where `v` is larger or NaN take `v` and `offset`.
@inline(__always)
private func takeOver(_ v: SIMD4<Float>, _ at: Int32, _ best: inout SIMD4<Float>, _ offset: inout SIMD4<Int32>) {
    let better = (v .> best) .^ (v .!= v)
    best.replace(with: v, where: better)
    offset.replace(with: at, where: better)
}

/// Max pooling's rule for the next value of a window: a larger value or a NaN takes over (branch-free).
@inline(__always)
private func takeOver(_ v: Float, _ index: Int, _ best: inout Float, _ bestIndex: inout Int) {
    // `v > best` and `v != v` never hold together, so `!=` is their `||` without the branch
    // that `||` compiles to (it mispredicted on every other window of real data).
    let better = (v > best) != (v != v)
    best = better ? v : best
    bestIndex = better ? index : bestIndex
}
