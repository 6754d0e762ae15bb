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
        var row = columns
        for c in 0..<groupChannels {
            let channel = image + c * plane
            for i in 0..<kernelH {
                for j in 0..<kernelW {
                    let offset = j * dilationW - padLeft
                    let valid = validColumns(offset: offset)
                    for oh in 0..<outH {
                        let out = row + oh * outW
                        let ih = oh * strideH - padTop + i * dilationH
                        guard ih >= 0, ih < height else { out.update(repeating: 0, count: outW); continue }
                        let source = channel + ih * width + offset
                        for ow in 0..<valid.lowerBound { out[ow] = 0 }
                        if strideW == 1 {
                            (out + valid.lowerBound).update(from: source + valid.lowerBound, count: valid.count)
                        } else {
                            for ow in valid { out[ow] = source[ow * strideW] }
                        }
                        for ow in valid.upperBound..<outW { out[ow] = 0 }
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
        var row = columns
        for c in 0..<groupChannels {
            let channel = image + c * plane
            for i in 0..<kernelH {
                for j in 0..<kernelW {
                    let offset = j * dilationW - padLeft
                    let valid = validColumns(offset: offset)
                    for oh in 0..<outH {
                        let ih = oh * strideH - padTop + i * dilationH
                        guard ih >= 0, ih < height else { continue }
                        let target = channel + ih * width + offset
                        let source = row + oh * outW
                        if strideW == 1 {
                            for ow in valid { target[ow] += source[ow] }
                        } else {
                            for ow in valid { target[ow * strideW] += source[ow] }
                        }
                    }
                    row += positions
                }
            }
        }
    }
}

extension Tensor {
    /// PyTorch's `F.conv2d` on NCHW float32 input (`ConvolutionBackward0`).
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

    /// The output [N, out, outH, outW]: bias rows, then one product per image and group.
    private static func convolutionForward(_ input: Tensor, weight: Tensor, bias: Tensor?, _ shape: ConvolutionGeometry) -> Tensor {
        let (positions, groupOut, rows) = (shape.positions, shape.groupOutChannels, shape.columnRows)
        let out = Storage<Float>(uninitializedCount: shape.batch * shape.outChannels * positions)
        let imageSize = shape.inChannels * shape.height * shape.width
        let groupInput = shape.groupChannels * shape.height * shape.width
        let lowersToInput = shape.lowersToInput
        let columns = Storage<Float>(uninitializedCount: lowersToInput ? 0 : rows * positions)
        if let bias {
            bias.withFloats { b in
                for n in 0..<shape.batch {
                    for o in 0..<shape.outChannels {
                        (out.base + (n * shape.outChannels + o) * positions).update(repeating: b[o], count: positions)
                    }
                }
            }
        }
        input.withFloats { x in
            weight.withFloats { w in
                for n in 0..<shape.batch {
                    for group in 0..<shape.groups {
                        let image = x + n * imageSize + group * groupInput
                        if !lowersToInput { shape.lower(image, into: columns.base) }
                        gemm(m: groupOut, n: positions, k: rows,
                             a: w + group * groupOut * rows, transposed: false, lda: rows,
                             b: lowersToInput ? image : UnsafePointer(columns.base), transposed: false, ldb: positions,
                             into: out.base + (n * shape.outChannels + group * groupOut) * positions, ldc: positions,
                             beta: bias == nil ? 0 : 1)
                    }
                }
            }
        }
        withExtendedLifetime(columns) {}
        return Tensor(floats: out, shape: [shape.batch, shape.outChannels, shape.outH, shape.outW])
    }

    /// The bias gradient: `g` summed over images and positions, per output channel.
    private static func convolutionBiasGradient(_ g: Tensor, _ shape: ConvolutionGeometry) -> Tensor {
        let positions = shape.positions
        let sums = g.withFloats { gp in
            Storage<Float>(count: shape.outChannels) { out in
                for o in 0..<shape.outChannels {
                    var total: Float = 0
                    for n in 0..<shape.batch {
                        let plane = gp + (n * shape.outChannels + o) * positions
                        for p in 0..<positions { total += plane[p] }
                    }
                    out[o] = total
                }
            }
        }
        return Tensor(floats: sums, shape: [shape.outChannels])
    }

    /// The input and weight gradients of a convolution for the output gradient `g`.
    ///
    /// Weight: per image and group, g · loweredᵀ summed over the batch. Input: per image and
    /// group, weightᵀ · g, raised back onto the image (col2im).
    private static func convolutionBackward(
        _ g: Tensor, input: Tensor, weight: Tensor, _ shape: ConvolutionGeometry, needInput: Bool, needWeight: Bool
    ) -> (input: Tensor?, weight: Tensor?) {
        if !needInput && !needWeight { return (nil, nil) }
        let (positions, groupOut, rows) = (shape.positions, shape.groupOutChannels, shape.columnRows)
        let imageSize = shape.inChannels * shape.height * shape.width
        let groupInput = shape.groupChannels * shape.height * shape.width
        let lowersToInput = shape.lowersToInput
        let gradWeight = needWeight ? Storage<Float>(uninitializedCount: shape.outChannels * rows) : nil
        let gradInput = needInput ? Storage<Float>(repeating: 0, count: shape.batch * imageSize) : nil
        let columns = Storage<Float>(uninitializedCount: needWeight && !lowersToInput ? rows * positions : 0)
        let columnGradient = Storage<Float>(uninitializedCount: needInput && !lowersToInput ? rows * positions : 0)
        g.withFloats { gp in
            input.withFloats { x in
                weight.withFloats { w in
                    for n in 0..<shape.batch {
                        for group in 0..<shape.groups {
                            let gBlock = gp + (n * shape.outChannels + group * groupOut) * positions
                            let groupWeight = w + group * groupOut * rows
                            if let gradWeight {
                                let image = x + n * imageSize + group * groupInput
                                if !lowersToInput { shape.lower(image, into: columns.base) }
                                gemm(m: groupOut, n: rows, k: positions,
                                     a: gBlock, transposed: false, lda: positions,
                                     b: lowersToInput ? image : UnsafePointer(columns.base), transposed: true, ldb: positions,
                                     into: gradWeight.base + group * groupOut * rows, ldc: rows, beta: n == 0 ? 0 : 1)
                            }
                            if let gradInput {
                                let image = gradInput.base + n * imageSize + group * groupInput
                                gemm(m: rows, n: positions, k: groupOut,
                                     a: groupWeight, transposed: true, lda: rows,
                                     b: gBlock, transposed: false, ldb: positions,
                                     into: lowersToInput ? image : columnGradient.base, ldc: positions)
                                if !lowersToInput { shape.raise(columnGradient.base, into: image) }
                            }
                        }
                    }
                }
            }
        }
        withExtendedLifetime((columns, columnGradient)) {}
        if shape.batch == 0 { gradWeight?.base.update(repeating: 0, count: shape.outChannels * rows) }
        return (gradInput.map { Tensor(floats: $0, shape: [shape.batch, shape.inChannels, shape.height, shape.width]) },
                gradWeight.map { Tensor(floats: $0, shape: [shape.outChannels, shape.groupChannels, shape.kernelH, shape.kernelW]) })
    }
}
