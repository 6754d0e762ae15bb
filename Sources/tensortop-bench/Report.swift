/// Formats benchmark rows as an aligned plain-text table.
struct Report {
    private var rows: [[String]] = []
    let header: [String]

    init(_ header: String...) { self.header = header }

    init(_ header: [String]) { self.header = header }

    mutating func add(_ cells: String...) { rows.append(cells) }

    mutating func add(_ cells: [String]) { rows.append(cells) }

    /// The table with every column padded to its widest cell (first column left, others right).
    func render() -> String {
        let all = [header] + rows
        let widths = (0..<header.count).map { c in all.map { $0.count > c ? $0[c].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }
}

/// Fixed-point text for a number: `fixed(3.14159, 2)` is "3.14".
func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if digits == 0 { text = String(text[..<dot]) } else if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    }
    return text
}

/// Microseconds, with one decimal.
func micros(_ seconds: Double) -> String { fixed(seconds * 1e6, 1) + " µs" }
