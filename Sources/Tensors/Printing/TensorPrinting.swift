extension Tensor: CustomStringConvertible {
    /// PyTorch's printed form, e.g. `tensor([6., 4.])`, `tensor([[0.0219]], grad_fn=<AddmmBackward0>)`
    /// or `tensor([0.1000], dtype=torch.float64)`.
    public var description: String { formatted(options: PrintOptions()) }

    /// PyTorch's printed form with explicit print options.
    public func formatted(options: PrintOptions) -> String {
        let prefix = "tensor("
        let indent = prefix.count
        var suffixes: [String] = []
        let body: String
        if count == 0 {
            body = "[]"
            if shape != [0] { suffixes.append("size=(\(shape.map(String.init).joined(separator: ", ")))") }
        } else {
            body = TensorText(tensor: self, options: options).render(indent: indent)
        }
        if dtype == .float64 {
            // PyTorch names the dtype whenever it is not a default one (float32, int64, bool).
            suffixes.append("dtype=\(dtype)")
        }
        if let gradFn {
            suffixes.append("grad_fn=<\(gradFn.name)>")
        } else if requiresGrad {
            suffixes.append("requires_grad=True")
        }
        return Self.addSuffixes(prefix + body, suffixes, indent: indent, lineWidth: options.lineWidth)
    }

    /// Appends `, suffix` items, wrapping to a new line where the last line would get too long.
    private static func addSuffixes(_ text: String, _ suffixes: [String], indent: Int, lineWidth: Int) -> String {
        var result = text
        let lastNewline = text.lastIndex(of: "\n").map { text.distance(from: text.startIndex, to: $0) } ?? -1
        var lastLineLength = text.count - lastNewline + 1
        for suffix in suffixes {
            if lastLineLength + suffix.count + 2 > lineWidth {
                result += ",\n" + String(repeating: " ", count: indent) + suffix
                lastLineLength = indent + suffix.count
            } else {
                result += ", " + suffix
                lastLineLength += suffix.count + 2
            }
        }
        return result + ")"
    }
}

/// Renders a tensor's values the way PyTorch's `_tensor_str` does (nesting, wrapping, `...`).
private struct TensorText {
    /// The elements to print by row-major position: all of them, or only the shown ones when summarising.
    let values: [Int: Double]
    let shape: [Int]
    let summarize: Bool
    let options: PrintOptions
    let formatter: TensorFormatter

    /// Reads only the elements a summarised print shows (all of them otherwise).
    init(tensor: Tensor, options: PrintOptions) {
        shape = tensor.shape
        self.options = options
        summarize = tensor.count > options.threshold
        let positions = summarize ? Self.summarizedIndices(shape: shape, edge: options.edgeItems) : Array(0..<tensor.count)
        func read<T>(_ p: UnsafePointer<T>, _ convert: (T) -> Double) -> [Double] { positions.map { convert(p[$0]) } }
        let shown: [Double]
        switch tensor.dtype {
        case .float32: shown = tensor.withFloats { read($0, Double.init) }
        case .float64: shown = tensor.withDoubles { read($0) { $0 } }
        case .int64, .bool: shown = tensor.withInt64s { read($0, Double.init) }
        }
        values = Dictionary(uniqueKeysWithValues: zip(positions, shown))
        formatter = TensorFormatter(values: shown, dtype: tensor.dtype, precision: options.precision)
    }

    /// Row-major indices of the elements a summarised print shows (PyTorch's `get_summarized_data`).
    static func summarizedIndices(shape: [Int], edge: Int) -> [Int] {
        let strides = Shape.contiguousStrides(shape)
        func visit(_ dim: Int, _ base: Int) -> [Int] {
            if dim == shape.count { return [base] }
            let size = shape[dim]
            let kept = size > 2 * edge ? Array(0..<edge) + Array((size - edge)..<size) : Array(0..<size)
            return kept.flatMap { visit(dim + 1, base + $0 * strides[dim]) }
        }
        return visit(0, 0)
    }

    func render(indent: Int) -> String {
        if shape.isEmpty { return formatter.format(values[0]!) }
        return render(dim: 0, base: 0, indent: indent)
    }

    private func render(dim: Int, base: Int, indent: Int) -> String {
        let size = shape[dim]
        let step = Shape.count(Array(shape[(dim + 1)...]))
        let edge = options.edgeItems
        let elided = summarize && size > 2 * edge
        let shown: [Int?] = elided ? Array(0..<edge) + [nil] + Array((size - edge)..<size) : Array(0..<size)
        if dim == shape.count - 1 {
            let items = shown.map { i in i.map { formatter.format(values[base + $0]!) } ?? " ..." }
            let perLine = Swift.max(1, (options.lineWidth - indent) / (formatter.width + 2))
            let lines = stride(from: 0, to: items.count, by: perLine).map {
                items[$0..<Swift.min($0 + perLine, items.count)].joined(separator: ", ")
            }
            return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
        }
        let slices = shown.map { i in
            i.map { render(dim: dim + 1, base: base + $0 * step, indent: indent + 1) } ?? "..."
        }
        let separator = "," + String(repeating: "\n", count: shape.count - dim - 1) + String(repeating: " ", count: indent + 1)
        return "[" + slices.joined(separator: separator) + "]"
    }
}
