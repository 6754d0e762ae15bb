import Foundation
import NN

/// Per-tensor statistics for `tensortop inspect`.
public struct TensorSummary: Sendable, Equatable {
    public let name: String
    public let type: ElementType
    public let shape: [Int]
    public let mean: Double
    /// The sample standard deviation (n − 1), like `torch.std`.
    public let std: Double
    public let min: Double
    public let max: Double

    public init(_ record: TensorRecord) {
        name = record.name
        type = record.type
        shape = record.shape
        let values = record.doubles()
        let n = Double(values.count)
        let total = values.reduce(0, +)
        mean = values.isEmpty ? .nan : total / n
        let squares = values.reduce(0) { $0 + ($1 - total / n) * ($1 - total / n) }
        std = values.count > 1 ? (squares / (n - 1)).squareRoot() : .nan
        min = values.min() ?? .nan
        max = values.max() ?? .nan
    }
}

extension Checkpoint {
    /// A table of every tensor's name, dtype, shape and statistics, then the metadata.
    public func summaryTable() -> String {
        let summaries = records.map(TensorSummary.init)
        func number(_ v: Double) -> String { v.isNaN ? "-" : String(format: "%.6g", v) }
        let header = ["name", "dtype", "shape", "mean", "std", "min", "max"]
        let rows = summaries.map { s in
            [s.name.escapedForTerminal, s.type.rawValue, "[" + s.shape.map(String.init).joined(separator: ", ") + "]",
             number(s.mean), number(s.std), number(s.min), number(s.max)]
        }
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i < 3 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        var lines = [line(header)] + rows.map(line)
        for key in metadata.keys.sorted() {
            let value = metadata[key]!.escapedForTerminal
            lines.append("metadata \(key.escapedForTerminal): " + (value.count > 120 ? String(value.prefix(117)) + "..." : value))
        }
        return lines.joined(separator: "\n")
    }

    /// The total number of elements.
    public var elementCount: Int { records.reduce(0) { $0 + $1.count } }
}
