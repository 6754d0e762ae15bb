// Output shapes of the spatial ops worked out from shapes alone, with the ops' own checks,
// so a model described as data can be checked before anything is allocated.

extension Tensor {
    /// The shape `conv2d` gives for an input of `input` and a weight of `weight`, after the
    /// same checks (with PyTorch's messages) — without allocating anything.
    public static func conv2dOutputShape(input: [Int], weight: [Int], stride: Pair2d = 1, padding: Conv2dPadding = 0,
                                         dilation: Pair2d = 1, groups: Int = 1) throws(TensorError) -> [Int] {
        let unbatched = input.count == 3
        let geometry = try ConvolutionGeometry(input: unbatched ? [1] + input : input, weight: weight, bias: nil, stride: stride,
                                               padding: padding, dilation: dilation, groups: groups)
        let shape = [geometry.batch, geometry.outChannels, geometry.outH, geometry.outW]
        return unbatched ? Array(shape.dropFirst()) : shape
    }
}

extension Tensor {
    /// The shape `maxPool2d`/`avgPool2d` give for an input of `input` ([N, C, H, W] or [C, H, W]),
    /// or PyTorch's message for a window that does not fit — without allocating anything.
    ///
    /// Sizes are assumed positive (the layers' own checks); padding is checked against the kernel.
    /// - Throws: `TensorError`.
    public static func pool2dOutputShape(input: [Int], kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int),
                                         dilation: (Int, Int) = (1, 1), ceilMode: Bool = false) throws -> [Int] {
        guard input.count == 3 || input.count == 4, input.dropFirst(input.count - 3).allSatisfy({ $0 > 0 }) else {
            throw TensorError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:\(Shape.describe(input))")
        }
        let (channels, inH, inW) = (input[input.count - 3], input[input.count - 2], input[input.count - 1])
        let outH = try pooledSize(inH, kernel: kernelSize.0, stride: stride.0, padding: padding.0, dilation: dilation.0, ceilMode: ceilMode)
        let outW = try pooledSize(inW, kernel: kernelSize.1, stride: stride.1, padding: padding.1, dilation: dilation.1, ceilMode: ceilMode)
        guard outH >= 1, outW >= 1 else {
            throw TensorError("Given input size: (\(channels)x\(inH)x\(inW)). Calculated output size: (\(channels)x\(outH)x\(outW)). Output size is too small")
        }
        return Array(input.dropLast(2)) + [outH, outW]
    }
}

extension Tensor {
    /// The shape `pad2d` gives for an input of `input`, or its message when the padding does
    /// not fit the mode — without allocating anything.
    public static func pad2dOutputShape(input: [Int], top: Int, bottom: Int, left: Int, right: Int,
                                        mode: Pad2dMode) throws(TensorError) -> [Int] {
        guard input.count == 3 || input.count == 4 else {
            throw TensorError("\(mode.rawValue) padding of 2 dims needs a 3-D or 4-D input, got input of size: \(Shape.describe(input))")
        }
        guard top >= 0, bottom >= 0, left >= 0, right >= 0 else {
            throw TensorError("negative padding is not supported (got left=\(left), right=\(right), top=\(top), bottom=\(bottom))")
        }
        let rank = input.count
        let (height, width) = (input[rank - 2], input[rank - 1])
        if let problem = mode.problem(size: width, before: left, after: right, dim: rank - 1, argument: 4, input: input)
            ?? mode.problem(size: height, before: top, after: bottom, dim: rank - 2, argument: 6, input: input) {
            throw TensorError(problem)
        }
        return Array(input.dropLast(2)) + [height + top + bottom, width + left + right]
    }
}
