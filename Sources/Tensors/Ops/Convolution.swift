import CVectorKernels

/// A pair of sizes for the two spatial dims (height, width), written as one Int or a pair.
///
/// `3` means (3, 3); `[2, 1]` or `Pair2d(2, 1)` means height 2, width 1, like PyTorch's
/// int-or-tuple arguments.
public struct Pair2d: Equatable, Hashable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// The size along the height (dim 2 of NCHW).
    public var height: Int
    /// The size along the width (dim 3 of NCHW).
    public var width: Int

    /// A pair with separate height and width.
    public init(_ height: Int, _ width: Int) { (self.height, self.width) = (height, width) }
    /// The same size along both dims.
    public init(_ both: Int) { self.init(both, both) }
    public init(integerLiteral value: Int) { self.init(value) }
    /// Exactly two elements (height, width); traps otherwise, like any malformed literal.
    public init(arrayLiteral elements: Int...) {
        precondition(elements.count == 2, "a 2-D size needs 2 values (height, width), got \(elements)")
        self.init(elements[0], elements[1])
    }

    /// PyTorch's tuple form, e.g. `(2, 1)`.
    public var description: String { "(\(height), \(width))" }
}

/// How `conv2d` pads its input: explicit zeros on each side, `same` or `valid` (PyTorch's strings).
public enum Conv2dPadding: Equatable, Hashable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
    /// `height` rows of zeros above and below, `width` columns left and right.
    case explicit(Pair2d)
    /// Output the size of the input (stride 1 only); an odd total goes to the bottom/right, as PyTorch.
    case same
    /// No padding.
    case valid

    public init(integerLiteral value: Int) { self = .explicit(Pair2d(value)) }
    public init(arrayLiteral elements: Int...) {
        precondition(elements.count == 2, "a 2-D padding needs 2 values (height, width), got \(elements)")
        self = .explicit(Pair2d(elements[0], elements[1]))
    }
}

/// The geometry of one 2-D convolution, with padding resolved to the four sides.
struct ConvolutionGeometry {
    let batch: Int, inChannels: Int, height: Int, width: Int
    let outChannels: Int, groups: Int, kernelH: Int, kernelW: Int
    let strideH: Int, strideW: Int, dilationH: Int, dilationW: Int
    let padTop: Int, padLeft: Int
    let outH: Int, outW: Int

    /// Input channels per group.
    var groupChannels: Int { inChannels / groups }
    /// Output channels per group.
    var groupOutChannels: Int { outChannels / groups }
    /// Rows of the lowered input: one per (channel of the group, kernel row, kernel column).
    var columnRows: Int { groupChannels * kernelH * kernelW }
    /// Output positions per channel.
    var positions: Int { outH * outW }
    /// Whether the lowered input is the input itself (1×1 kernel, stride 1, no padding).
    var lowersToInput: Bool {
        kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0
            && outH == height && outW == width
    }

    /// Checks the arguments with PyTorch's messages and works out the output size.
    init(input: [Int], weight: [Int], bias: [Int]?, stride: Pair2d, padding: Conv2dPadding, dilation: Pair2d, groups: Int) throws(TensorError) {
        guard input.count == 4 else {
            throw TensorError("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: \(Shape.describe(input))")
        }
        guard weight.count == 4 else {
            throw TensorError("weight should have at least three dimensions (conv2d needs a 4-D weight [out_channels, in_channels/groups, kH, kW], got \(Shape.describe(weight)))")
        }
        guard groups > 0 else { throw TensorError("non-positive groups is not supported (got groups=\(groups))") }
        guard stride.height > 0, stride.width > 0 else { throw TensorError("non-positive stride is not supported (got stride=\(stride))") }
        guard dilation.height > 0, dilation.width > 0 else { throw TensorError("dilation should be greater than zero (got dilation=\(dilation))") }
        guard weight[0] % groups == 0 else {
            throw TensorError("Given groups=\(groups), expected weight to be divisible by \(groups) at dimension 0, but got weight of size \(Shape.describe(weight)) instead")
        }
        guard input[1] == weight[1] * groups else {
            throw TensorError("Given groups=\(groups), weight of size \(Shape.describe(weight)), expected input\(Shape.describe(input)) to have \(weight[1] * groups) channels, but got \(input[1]) channels instead")
        }
        if let bias, bias.count != 1 || bias[0] != weight[0] {
            throw TensorError("Given weight of size \(Shape.describe(weight)), expected bias to be 1-dimensional with \(weight[0]) elements, but got bias of size \(Shape.describe(bias)) instead")
        }
        let (kh, kw) = (weight[2], weight[3])
        let spanH = dilation.height * (kh - 1) + 1, spanW = dilation.width * (kw - 1) + 1
        let top: Int, bottom: Int, left: Int, right: Int
        switch padding {
        case .explicit(let p):
            guard p.height >= 0, p.width >= 0 else { throw TensorError("negative padding is not supported (got padding=\(p))") }
            (top, bottom, left, right) = (p.height, p.height, p.width, p.width)
        case .valid:
            (top, bottom, left, right) = (0, 0, 0, 0)
        case .same:
            guard stride.height == 1, stride.width == 1 else {
                throw TensorError("padding='same' is not supported for strided convolutions")
            }
            let totalH = spanH - 1, totalW = spanW - 1
            (top, left) = (totalH / 2, totalW / 2)
            (bottom, right) = (totalH - top, totalW - left)
        }
        let paddedH = input[2] + top + bottom, paddedW = input[3] + left + right
        guard paddedH >= spanH, paddedW >= spanW else {
            throw TensorError("Calculated padded input size per channel: (\(paddedH) x \(paddedW)). Kernel size: (\(spanH) x \(spanW)). Kernel size can't be greater than actual input size")
        }
        (batch, inChannels, height, width) = (input[0], input[1], input[2], input[3])
        (outChannels, self.groups, kernelH, kernelW) = (weight[0], groups, kh, kw)
        (strideH, strideW, dilationH, dilationW) = (stride.height, stride.width, dilation.height, dilation.width)
        (padTop, padLeft) = (top, left)
        outH = (paddedH - spanH) / stride.height + 1
        outW = (paddedW - spanW) / stride.width + 1
    }

    /// The output columns `ow` whose input column `ow·stride + offset` lies inside the image.
    private func validColumns(offset: Int) -> Range<Int> {
        let low = offset >= 0 ? 0 : (-offset + strideW - 1) / strideW
        let high = width - offset <= 0 ? 0 : Swift.min(outW, (width - offset - 1) / strideW + 1)
        return low..<Swift.max(low, high)
    }

    /// Writes the lowered input of one image's group (`image` points at its first channel):
    /// a `columnRows × positions` matrix whose row (c, i, j) holds the input under kernel
    /// tap (i, j) of channel c for every output position, zero where it falls in the padding.
    func lower(_ image: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>) {
        let plane = height * width
        let (outW, strideW) = (self.outW, self.strideW)
        var row = columns
        for c in 0..<groupChannels {
            let channel = image + c * plane
            for i in 0..<kernelH {
                for j in 0..<kernelW {
                    let offset = j * dilationW - padLeft
                    let valid = validColumns(offset: offset)
                    let (low, high) = (valid.lowerBound, valid.upperBound)
                    for oh in 0..<outH {
                        let out = row + oh * outW
                        let ih = oh * strideH - padTop + i * dilationH
                        guard ih >= 0, ih < height else {
                            for ow in 0..<outW { out[ow] = 0 }
                            continue
                        }
                        let source = channel + ih * width + offset
                        for ow in 0..<low { out[ow] = 0 }
                        // Short rows: a loop the compiler vectorises beats a call to memmove.
                        if strideW == 1 {
                            for ow in low..<high { out[ow] = source[ow] }
                        } else {
                            for ow in low..<high { out[ow] = source[ow &* strideW] }
                        }
                        for ow in high..<outW { out[ow] = 0 }
                    }
                    row += positions
                }
            }
        }
    }

    /// Adds a lowered gradient (the layout `lower` writes) back onto one image's group of the
    /// input gradient: the transpose of `lower`, summing where kernel taps overlap.
    func raise(_ columns: UnsafePointer<Float>, into image: UnsafeMutablePointer<Float>) {
        let plane = height * width
        let (outW, strideW) = (self.outW, self.strideW)
        var row = columns
        for c in 0..<groupChannels {
            let channel = image + c * plane
            for i in 0..<kernelH {
                for j in 0..<kernelW {
                    let offset = j * dilationW - padLeft
                    let valid = validColumns(offset: offset)
                    let (low, high) = (valid.lowerBound, valid.upperBound)
                    for oh in 0..<outH {
                        let ih = oh * strideH - padTop + i * dilationH
                        guard ih >= 0, ih < height else { continue }
                        let target = channel + ih * width + offset
                        let source = row + oh * outW
                        if strideW == 1 {
                            for ow in low..<high { target[ow] += source[ow] }
                        } else {
                            for ow in low..<high { target[ow &* strideW] += source[ow] }
                        }
                    }
                    row += positions
                }
            }
        }
    }

    /// Whether `lowerByRows` and `raiseByRows` apply: stride 1 along the width, so every row of
    /// a lowered matrix is a run of consecutive input columns.
    var lowersByRows: Bool { strideW == 1 }
    /// Rows of the zero-padded image `lowerByRows` reads: exactly those the kernel reaches.
    var paddedH: Int { (outH - 1) * strideH + (kernelH - 1) * dilationH + 1 }
    /// Columns of the zero-padded image (stride 1 along the width).
    var paddedW: Int { outW + (kernelW - 1) * dilationW }
    /// Floats of one image group's zero-padded copy, plus `slack`.
    var paddedCount: Int { groupChannels * paddedH * paddedW + Self.slack }
    /// Floats after a row-lowering buffer that the eight-wide copies may read or write past its end.
    static let slack = 16

    /// `lower` for stride 1 along the width: copies the image group into `padded` with its
    /// zero border, then every row of every tap is a copy of `outW` floats in eight-float steps
    /// (`tt_lower_rows`, AVX2 where the CPU has it).
    ///
    /// `padded` holds `paddedCount` floats, `columns` `columnRows · positions + slack`.
    func lowerByRows(_ image: UnsafePointer<Float>, padded: UnsafeMutablePointer<Float>, into columns: UnsafeMutablePointer<Float>) {
        let (pH, pW, outW) = (paddedH, paddedW, self.outW)
        for c in 0..<groupChannels {
            let channel = image + c * height * width, target = padded + c * pH * pW
            for ph in 0..<pH {
                let row = target + ph * pW, ih = ph - padTop
                guard ih >= 0, ih < height else {
                    for pw in 0..<pW { row[pw] = 0 }
                    continue
                }
                let source = channel + ih * width - padLeft
                let low = Swift.min(padLeft, pW), high = Swift.max(low, Swift.min(pW, width + padLeft))
                for pw in 0..<low { row[pw] = 0 }
                for pw in low..<high { row[pw] = source[pw] }
                for pw in high..<pW { row[pw] = 0 }
            }
        }
        tt_lower_rows(padded, columns, groupChannels, kernelH, kernelW, dilationH, dilationW, pH, pW, outH, outW, strideH)
    }

    /// `raise` for stride 1 along the width: adds every row of every tap onto a zero-padded
    /// gradient in `padded`, then writes the image group's part of it to `image` (every element).
    ///
    /// `padded` holds `paddedCount` floats, `columns` `columnRows · positions + slack`.
    func raiseByRows(_ columns: UnsafePointer<Float>, padded: UnsafeMutablePointer<Float>, into image: UnsafeMutablePointer<Float>) {
        let (pH, pW, outW) = (paddedH, paddedW, self.outW)
        for index in 0..<paddedCount { padded[index] = 0 }
        tt_raise_rows(columns, padded, groupChannels, kernelH, kernelW, dilationH, dilationW, pH, pW, outH, outW, strideH)
        for c in 0..<groupChannels {
            let channel = image + c * height * width, source = UnsafePointer(padded + c * pH * pW)
            for ih in 0..<height {
                let out = channel + ih * width, ph = ih + padTop
                guard ph < pH else {
                    for iw in 0..<width { out[iw] = 0 }
                    continue
                }
                let from = source + ph * pW + padLeft
                let inside = Swift.max(0, Swift.min(width, pW - padLeft))
                for iw in 0..<inside { out[iw] = from[iw] }
                for iw in inside..<width { out[iw] = 0 }
            }
        }
    }

    /// Whether `raise` adds the lowered gradient up in registers (`tt_raise_narrow`): stride 1
    /// along the width, images and kernels at most 16 wide. Same bits as the padded route.
    var raisesNarrow: Bool { lowersByRows && width <= 16 && kernelW <= 16 }
    /// Floats before a lowered matrix that `tt_raise_narrow` may read (masked off).
    var columnsFrontSlack: Int { Swift.max(0, (kernelW - 1) * dilationW - padLeft) }
    /// Floats after a lowered matrix that the eight-wide copies and `tt_raise_narrow` may touch.
    var columnsBackSlack: Int { Swift.max(Self.slack, padLeft + 16 - outW) }

    /// Lowers one image group (see `lower(_:into:)`), by rows when the stride allows, using
    /// `padded` (`paddedCount` floats when `lowersByRows`); `columns` has `slack` floats to spare.
    func lower(_ image: UnsafePointer<Float>, padded: UnsafeMutablePointer<Float>, into columns: UnsafeMutablePointer<Float>) {
        if lowersByRows { lowerByRows(image, padded: padded, into: columns) } else { lower(image, into: columns) }
    }

    /// Writes the input gradient of one image group from its lowered gradient (every element
    /// of the group: no need to clear it first), by rows when the stride allows.
    func raise(_ columns: UnsafePointer<Float>, padded: UnsafeMutablePointer<Float>, into image: UnsafeMutablePointer<Float>) {
        if raisesNarrow {
            tt_raise_narrow(columns, image, groupChannels, kernelH, kernelW, dilationH, dilationW, outH, outW, strideH,
                            height, width, padTop, padLeft)
        } else if lowersByRows {
            raiseByRows(columns, padded: padded, into: image)
        } else {
            image.update(repeating: 0, count: groupChannels * height * width)
            raise(columns, into: image)
        }
    }

    /// Floats of the scratch buffers a block needs: a lowered matrix (with slack on both sides,
    /// see `columns(in:)`) and a padded image.
    var scratchCounts: (columns: Int, padded: Int) {
        lowersToInput ? (0, 0)
            : (columnsFrontSlack + columnRows * positions + columnsBackSlack, lowersByRows ? paddedCount : 0)
    }

    /// Where a lowered matrix starts in a scratch buffer of `scratchCounts.columns` floats.
    func columns(in buffer: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float> {
        buffer + columnsFrontSlack
    }

    /// Images per block of the work shared among compute threads. Fixed, not derived from the
    /// thread count: the weight gradient is summed block by block, so its bits do not depend
    /// on how many threads computed the blocks.
    static let imagesPerBlock = 8

    /// The number of image blocks.
    var blocks: Int { (batch + Self.imagesPerBlock - 1) / Self.imagesPerBlock }

    /// The images of block `block`.
    func images(ofBlock block: Int) -> Range<Int> {
        (block * Self.imagesPerBlock)..<Swift.min(batch, (block + 1) * Self.imagesPerBlock)
    }

    /// Multiply-adds of one product over the whole batch (what decides whether sharing pays).
    var work: Int { batch * outChannels * positions * columnRows }
}

extension Tensor {
    /// PyTorch's `F.conv2d` on NCHW float32 (or float64) input (`ConvolutionBackward0`).
    ///
    /// `input` is [N, C, H, W] (or [C, H, W], unbatched), `weight` [out, C/groups, kH, kW],
    /// `bias` [out] or nil. Each image's group is lowered to a matrix (im2col) and multiplied
    /// by the group's weights through the shared matrix-product path, so BLAS, the
    /// deterministic kernel and the compute threads apply; the input gradient goes back
    /// through the transposed lowering (col2im). Gradients are computed only for the inputs
    /// that need one. Throws PyTorch's messages for arguments that do not fit together.
    public static func conv2d(
        _ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Pair2d = 1,
        padding: Conv2dPadding = 0, dilation: Pair2d = 1, groups: Int = 1
    ) throws(TensorError) -> Tensor {
        if input.rank == 3 {
            let batched = try conv2d(
                input.reshape([1] + input.shape), weight: weight, bias: bias, stride: stride,
                padding: padding, dilation: dilation, groups: groups)
            return batched.reshape(Array(batched.shape.dropFirst()))
        }
        let geometry = try ConvolutionGeometry(
            input: input.shape, weight: weight.shape, bias: bias?.shape, stride: stride,
            padding: padding, dilation: dilation, groups: groups)
        if let mixed = Float64Ops.mixedFloatTypes(input, weight, style: .scalarType)
            ?? bias.flatMap({ Float64Ops.mixedFloatTypes(input, $0, style: .convolutionBias) }) {
            throw mixed
        }
        if promotesToFloat64(input, weight, bias ?? input) { return Float64Ops.conv2d(input, weight: weight, bias: bias, geometry) }
        let out = noGrad { convolutionForward(input, weight: weight, bias: bias, geometry) }
        let (needInput, needWeight, needBias) = (input.requiresGrad, weight.requiresGrad, bias?.requiresGrad ?? false)
        let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
        return record(out, name: "ConvolutionBackward0", inputs: inputs) { g in
            let gradients = convolutionBackward(
                g, input: input, weight: weight, geometry, needInput: needInput, needWeight: needWeight)
            var result = [gradients.input, gradients.weight]
            if bias != nil { result.append(needBias ? convolutionBiasGradient(g, geometry) : nil) }
            return result
        }
    }

    /// Runs `body(block)` for every image block of `shape`, shared among the calling thread's
    /// compute threads when the convolution is large enough. Each block is computed the same
    /// way whichever thread takes it.
    private static func forEachImageBlock(_ shape: ConvolutionGeometry, _ body: @escaping @Sendable (Int) -> Void) {
        let blocks = shape.blocks
        if let pool = ThreadState.current.pool, blocks > 1, shape.work >= MatrixProduct.parallelWork {
            pool.forEachChunk(blocks, body)
        } else {
            for block in 0..<blocks { body(block) }
        }
    }

    /// The output [N, out, outH, outW]: per image, bias rows, then one product per group (the unpacked
    /// product starts its sums from the bias instead).
    ///
    /// Image blocks are shared among the compute threads; each block lowers its images one at
    /// a time into its own scratch matrix and multiplies on its thread alone.
    private static func convolutionForward(_ input: Tensor, weight: Tensor, bias: Tensor?, _ shape: ConvolutionGeometry) -> Tensor {
        let out = Storage<Float>(uninitializedCount: shape.batch * shape.outChannels * shape.positions)  // every element written
        let deterministic = ThreadState.current.deterministic
        let broadcast = !deterministic && BroadcastProduct.suits(m: shape.groupOutChannels, n: shape.positions, k: shape.columnRows)
        let biasValues = bias?.contiguousFloatStorage()
        input.withFloats { x in
            weight.withFloats { w in
                let (x, w, y) = (ChunkShared(x), ChunkShared(w), ChunkShared(out.base))
                let b = biasValues.map { ChunkShared($0.base) }
                forEachImageBlock(shape) { block in
                    let (positions, groupOut, rows) = (shape.positions, shape.groupOutChannels, shape.columnRows)
                    let imageSize = shape.inChannels * shape.height * shape.width
                    let groupInput = shape.groupChannels * shape.height * shape.width
                    let lowersToInput = shape.lowersToInput
                    let scratch = shape.scratchCounts
                    ThreadState.current.scratch.with([scratch.columns, scratch.padded]) { buffers in
                        let (columns, padded) = (shape.columns(in: buffers[0]), buffers[1])
                        for n in shape.images(ofBlock: block) {
                            let outImage = y.pointer + n * shape.outChannels * positions
                            if let b, !broadcast {
                                for o in 0..<shape.outChannels {
                                    let value = b.pointer[o], plane = outImage + o * positions
                                    for p in 0..<positions { plane[p] = value }
                                }
                            }
                            for group in 0..<shape.groups {
                                let image = UnsafePointer(x.pointer + n * imageSize + group * groupInput)
                                if !lowersToInput { shape.lower(image, padded: padded, into: columns) }
                                let (weights, lowered) = (w.pointer + group * groupOut * rows, lowersToInput ? image : UnsafePointer(columns))
                                let target = outImage + group * groupOut * positions
                                if broadcast {
                                    BroadcastProduct.multiply(m: groupOut, n: positions, k: rows, a: weights, aRow: rows, aColumn: 1,
                                                              b: lowered, ldb: positions, into: target, ldc: positions, accumulate: false,
                                                              rowStarts: b.map { UnsafePointer($0.pointer + group * groupOut) })
                                } else {
                                    gemm(m: groupOut, n: positions, k: rows, a: weights, transposed: false, lda: rows,
                                         b: lowered, transposed: false, ldb: positions, into: target, ldc: positions,
                                         beta: b == nil ? 0 : 1, alone: deterministic)
                                }
                            }
                        }
                    }
                }
            }
        }
        withExtendedLifetime(biasValues) {}
        return Tensor(floats: out, shape: [shape.batch, shape.outChannels, shape.outH, shape.outW])
    }

    /// The bias gradient: `g` summed over images and positions, per output channel.
    ///
    /// Each channel is summed by one thread, image by image, in eight interleaved partial sums
    /// (so the loop vectorises) added in a fixed order: the same bits on any thread count.
    private static func convolutionBiasGradient(_ g: Tensor, _ shape: ConvolutionGeometry) -> Tensor {
        let sums = Storage<Float>(uninitializedCount: shape.outChannels)  // every channel written
        g.withFloats { gp in
            let (source, target) = (ChunkShared(gp), ChunkShared(sums.base))
            let perChannel = shape.batch * shape.positions
            Kernels.forEachRange(shape.outChannels, minimum: Swift.max(1, parallelElements / Swift.max(perChannel, 1))) { channels in
                let (positions, outChannels, batch) = (shape.positions, shape.outChannels, shape.batch)
                let lanes = positions / 8 * 8
                for o in channels {
                    var partial = SIMD8<Float>(repeating: 0)
                    var rest: Float = 0
                    for n in 0..<batch {
                        let plane = source.pointer + (n * outChannels + o) * positions
                        var p = 0
                        while p < lanes {
                            partial += UnsafeRawPointer(plane + p).loadUnaligned(as: SIMD8<Float>.self)
                            p += 8
                        }
                        for q in lanes..<positions { rest += plane[q] }
                    }
                    target.pointer[o] = partial.sum() + rest
                }
            }
        }
        return Tensor(floats: sums, shape: [shape.outChannels])
    }

    /// The input and weight gradients of a convolution for the output gradient `g`.
    ///
    /// Image blocks are shared among the compute threads. Weight: per image and group,
    /// g · loweredᵀ, summed over each block's images into the block's own partial sum; the
    /// partial sums are then added in block order, so the result does not depend on the thread
    /// count. Input: per image and group, weightᵀ · g, raised back onto the image (col2im).
    private static func convolutionBackward(
        _ g: Tensor, input: Tensor, weight: Tensor, _ shape: ConvolutionGeometry, needInput: Bool, needWeight: Bool
    ) -> (input: Tensor?, weight: Tensor?) {
        if !needInput && !needWeight { return (nil, nil) }
        let weightCount = shape.outChannels * shape.columnRows
        let imageSize = shape.inChannels * shape.height * shape.width
        let partials = needWeight ? Storage<Float>(uninitializedCount: shape.blocks * weightCount) : nil  // each block writes its own
        let gradInput = needInput ? Storage<Float>(uninitializedCount: shape.batch * imageSize) : nil  // each image group written whole
        let deterministic = ThreadState.current.deterministic
        let (groupOut, rows, positions) = (shape.groupOutChannels, shape.columnRows, shape.positions)
        let broadcastWeight = needWeight && !deterministic && BroadcastProduct.suits(m: rows, n: groupOut, k: positions)
        let broadcastInput = needInput && !deterministic && BroadcastProduct.suits(m: rows, n: positions, k: groupOut)
        g.withFloats { gp in
            input.withFloats { x in
                weight.withFloats { w in
                    let (gp, x, w) = (ChunkShared(gp), ChunkShared(x), ChunkShared(w))
                    let partialSums = partials.map { ChunkShared($0.base) }, inputSums = gradInput.map { ChunkShared($0.base) }
                    forEachImageBlock(shape) { block in
                        let groupInput = shape.groupChannels * shape.height * shape.width
                        let lowersToInput = shape.lowersToInput
                        let scratch = shape.scratchCounts
                        ThreadState.current.scratch.with([partialSums == nil ? 0 : scratch.columns, inputSums == nil ? 0 : scratch.columns,
                                                          scratch.padded, broadcastWeight ? positions * groupOut : 0]) { buffers in
                            let (columns, columnGradient, padded) = (shape.columns(in: buffers[0]), shape.columns(in: buffers[1]), buffers[2])
                            let gTransposed = buffers[3]
                            let images = shape.images(ofBlock: block)
                            for n in images {
                                for group in 0..<shape.groups {
                                    let gBlock = UnsafePointer(gp.pointer + (n * shape.outChannels + group * groupOut) * positions)
                                    if let partialSums {
                                        let image = UnsafePointer(x.pointer + n * imageSize + group * groupInput)
                                        if !lowersToInput { shape.lower(image, padded: padded, into: columns) }
                                        let lowered = lowersToInput ? image : UnsafePointer(columns)
                                        let partial = partialSums.pointer + block * weightCount + group * groupOut * rows
                                        let beta: Float = n == images.lowerBound ? 0 : 1
                                        if deterministic {
                                            gemm(m: groupOut, n: rows, k: positions, a: gBlock, transposed: false, lda: positions,
                                                 b: lowered, transposed: true, ldb: positions, into: partial, ldc: rows,
                                                 beta: beta, alone: deterministic)
                                        } else if broadcastWeight {
                                            // The same transposed product (rows × out) with gᵀ as B, read along its rows.
                                            tt_transpose(gBlock, gTransposed, groupOut, positions)
                                            BroadcastProduct.multiply(m: rows, n: groupOut, k: positions, a: lowered, aRow: positions, aColumn: 1,
                                                                      b: gTransposed, ldb: groupOut, into: partial, ldc: groupOut,
                                                                      accumulate: beta != 0)
                                        } else {
                                            // Through BLAS the transposed product (lowered · gᵀ, rows × out) runs about
                                            // 1.4× faster: few output channels make a poor row count for sgemm's kernel.
                                            gemm(m: rows, n: groupOut, k: positions, a: lowered, transposed: false, lda: positions,
                                                 b: gBlock, transposed: true, ldb: positions, into: partial, ldc: groupOut,
                                                 beta: beta, alone: deterministic)
                                        }
                                    }
                                    if let inputSums {
                                        let image = inputSums.pointer + n * imageSize + group * groupInput
                                        let (weights, target) = (w.pointer + group * groupOut * rows, lowersToInput ? image : columnGradient)
                                        if broadcastInput {
                                            BroadcastProduct.multiply(m: rows, n: positions, k: groupOut, a: weights, aRow: 1, aColumn: rows,
                                                                      b: gBlock, ldb: positions, into: target, ldc: positions, accumulate: false)
                                        } else {
                                            gemm(m: rows, n: positions, k: groupOut, a: weights, transposed: true, lda: rows,
                                                 b: gBlock, transposed: false, ldb: positions, into: target, ldc: positions, alone: deterministic)
                                        }
                                        if !lowersToInput { shape.raise(columnGradient, padded: padded, into: image) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        // The blocks' partial sums added in block order; without deterministic algorithms each
        // group's partial is transposed (rows × out, see above) and is read back across.
        let gradWeight = partials.map { partials in
            Storage<Float>(count: weightCount) { out in
                let total = out.baseAddress!
                let (groupOut, rows) = (shape.groupOutChannels, shape.columnRows)
                for i in 0..<weightCount { total[i] = 0 }
                for block in 0..<shape.blocks {
                    let partial = partials.base + block * weightCount
                    if deterministic {
                        for i in 0..<weightCount { total[i] += partial[i] }
                        continue
                    }
                    for group in 0..<shape.groups {
                        let (target, source) = (total + group * groupOut * rows, partial + group * groupOut * rows)
                        for o in 0..<groupOut {
                            for r in 0..<rows { target[o * rows + r] += source[r * groupOut + o] }
                        }
                    }
                }
            }
        }
        return (gradInput.map { Tensor(floats: $0, shape: [shape.batch, shape.inChannels, shape.height, shape.width]) },
                gradWeight.map { Tensor(floats: $0, shape: [shape.outChannels, shape.groupChannels, shape.kernelH, shape.kernelW]) })
    }
}
