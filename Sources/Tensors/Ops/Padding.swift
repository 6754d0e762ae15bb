/// How `pad2d` fills the border: PyTorch's `F.pad` modes other than `constant`.
public enum Pad2dMode: String, Sendable, CaseIterable {
    /// Mirror the input without repeating the edge: `d c b | a b c d | c b a`.
    case reflect
    /// Repeat the edge: `a a a | a b c d | d d d`.
    case replicate
    /// Wrap around: `b c d | a b c d | a b c`.
    case circular

    /// The name of the autograd node PyTorch records for this mode.
    var nodeName: String {
        switch self {
        case .reflect: return "ReflectionPad2DBackward0"
        case .replicate: return "ReplicationPad2DBackward0"
        case .circular: return "CopySlices"
        }
    }

    /// For each padded index along a dim of `size` with `before` / `after` extra entries, the input index it copies.
    func sources(size: Int, before: Int, after: Int) -> [Int] {
        (0..<(size + before + after)).map { p in
            let i = p - before
            switch self {
            case .reflect: return i < 0 ? -i : (i >= size ? 2 * (size - 1) - i : i)
            case .replicate: return Swift.min(Swift.max(i, 0), size - 1)
            case .circular: return ((i % size) + size) % size
            }
        }
    }

    /// PyTorch's message when the padding of a dim is too large for this mode, or nil if it fits.
    func problem(size: Int, before: Int, after: Int, dim: Int, argument: Int, input: [Int]) -> String? {
        switch self {
        case .reflect:
            guard before < size, after < size else {
                return "Argument #\(argument): Padding size should be less than the corresponding input dimension, but got: padding (\(before), \(after)) at dimension \(dim) of input \(Shape.describe(input))"
            }
        case .replicate:
            guard size > 0 || before + after == 0 else { return "padding of an empty dimension \(dim) of input \(Shape.describe(input))" }
        case .circular:
            guard before <= size, after <= size else { return "Padding value causes wrapping around more than once." }
        }
        return nil
    }
}

extension Tensor {
    /// PyTorch's `F.pad(input, (left, right, top, bottom), mode)` for the last two dims of an
    /// NCHW (or CHW) tensor with `reflect`, `replicate` or `circular` borders.
    ///
    /// Every output element copies one input element, so the gradient adds each output
    /// element's gradient back onto the element it copied.
    public static func pad2d(
        _ input: Tensor, top: Int, bottom: Int, left: Int, right: Int, mode: Pad2dMode
    ) throws(TensorError) -> Tensor {
        guard input.rank == 3 || input.rank == 4 else {
            throw TensorError("\(mode.rawValue) padding of 2 dims needs a 3-D or 4-D input, got input of size: \(Shape.describe(input.shape))")
        }
        guard top >= 0, bottom >= 0, left >= 0, right >= 0 else {
            throw TensorError("negative padding is not supported (got left=\(left), right=\(right), top=\(top), bottom=\(bottom))")
        }
        let rank = input.rank
        let (height, width) = (input.shape[rank - 2], input.shape[rank - 1])
        if let problem = mode.problem(size: width, before: left, after: right, dim: rank - 1, argument: 4, input: input.shape)
            ?? mode.problem(size: height, before: top, after: bottom, dim: rank - 2, argument: 6, input: input.shape) {
            throw TensorError(problem)
        }
        let rows = mode.sources(size: height, before: top, after: bottom)
        let columns = mode.sources(size: width, before: left, after: right)
        let planes = input.shape.dropLast(2).reduce(1, *)
        let (outH, outW) = (rows.count, columns.count)
        let outShape = Array(input.shape.dropLast(2)) + [outH, outW]
        if input.dtype == .float64 { return Float64Ops.pad2d(input, rows: rows, columns: columns, width: width, mode: mode) }
        let out = input.withFloats { x in
            Storage<Float>(count: planes * outH * outW) { o in
                for plane in 0..<planes {
                    let source = x + plane * height * width
                    let target = o.baseAddress! + plane * outH * outW
                    for (r, sourceRow) in rows.enumerated() {
                        let from = source + sourceRow * width, to = target + r * outW
                        for (c, sourceColumn) in columns.enumerated() { to[c] = from[sourceColumn] }
                    }
                }
            }
        }
        let inputShape = input.shape
        return record(Tensor(floats: out, shape: outShape), name: mode.nodeName, inputs: [input]) { g in
            let gradient = Storage<Float>(repeating: 0, count: planes * height * width)
            g.withFloats { gp in
                for plane in 0..<planes {
                    let target = gradient.base + plane * height * width
                    let source = gp + plane * outH * outW
                    for (r, targetRow) in rows.enumerated() {
                        let to = target + targetRow * width, from = source + r * outW
                        for (c, targetColumn) in columns.enumerated() { to[targetColumn] += from[c] }
                    }
                }
            }
            return [Tensor(floats: gradient, shape: inputShape)]
        }
    }
}
