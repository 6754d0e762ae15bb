import Foundation
import Tensors

/// What the autograd stepper evaluates: leaves that require gradients, then expressions over
/// them, the last one the output — `x = ones(2); y = 2*x[0]^3 + 2*x[1]^2`.
///
/// Statements are separated by `;` or new lines, each `name = value`. A value is a leaf
/// (`ones(n)`, `zeros(n)`, `arange(start, end)`, a number, `[1, 2, 3]` or `[[1, 2], [3, 4]]`,
/// always with `requires_grad=True`) or an `Expression` over the names before it. The last
/// statement may also be a bare expression.
public struct Program: Equatable, Sendable {
    /// One line: a leaf's values, or an expression.
    public enum Value: Equatable, Sendable {
        case leaf(shape: [Int], values: [Float])
        case expression(Expression)
    }

    public var statements: [(name: String, value: Value)]

    public static func == (a: Program, b: Program) -> Bool {
        a.statements.map(\.name) == b.statements.map(\.name) && a.statements.map(\.value) == b.statements.map(\.value)
    }

    /// The most elements a leaf may have (the stepper shows values, not datasets).
    public static let maximumLeafCount = 4096

    /// Parses a program.
    /// - Throws: `ExpressionError` naming the statement and what is wrong.
    public static func parse(_ text: String) throws(ExpressionError) -> Program {
        let lines = text.split(whereSeparator: { $0 == ";" || $0 == "\n" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !lines.isEmpty else { throw ExpressionError("nothing to evaluate: write e.g. x = ones(2); y = 2*x[0]^3 + 2*x[1]^2", at: 0) }
        var statements: [(String, Value)] = []
        for (number, line) in lines.enumerated() {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let isLast = number == lines.count - 1
            let (name, rhs): (String, String)
            if parts.count == 2, let first = parts[0].first, first.isLetter || first == "_",
               parts[0].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                (name, rhs) = (parts[0], parts[1])
            } else if isLast {
                (name, rhs) = ("y", line)
            } else {
                throw ExpressionError("statement \(number + 1) ('\(line)'): write NAME = VALUE", at: 0)
            }
            do throws(ExpressionError) {
                if let value = try leaf(rhs) {
                    statements.append((name, value))
                } else {
                    statements.append((name, .expression(try Expression.parse(rhs))))
                }
            } catch {
                throw ExpressionError("statement \(number + 1) ('\(line)'): \(error.message)", at: error.offset)
            }
        }
        return Program(statements: statements)
    }

    /// A leaf constructor's values, nil when `text` is not one (then it is an expression).
    static func leaf(_ text: String) throws(ExpressionError) -> Value? {
        let compact = text.filter { !$0.isWhitespace }
        func count(_ n: Double) throws(ExpressionError) -> Int {
            guard n.isFinite, n >= 0, n <= Double(maximumLeafCount), n == n.rounded() else {
                throw ExpressionError("a leaf has 0 to \(maximumLeafCount) elements", at: 0)
            }
            return Int(n)
        }
        func arguments(_ name: String) -> [Double]? {
            guard compact.hasPrefix(name + "("), compact.hasSuffix(")") else { return nil }
            let inner = compact.dropFirst(name.count + 1).dropLast()
            let values = inner.split(separator: ",").map { Double($0) }
            return values.contains(nil) ? nil : values.compactMap { $0 }
        }
        if let a = arguments("ones"), a.count == 1 { let n = try count(a[0]); return .leaf(shape: [n], values: Array(repeating: 1, count: n)) }
        if let a = arguments("zeros"), a.count == 1 { let n = try count(a[0]); return .leaf(shape: [n], values: Array(repeating: 0, count: n)) }
        if let a = arguments("arange"), (1...3).contains(a.count) {
            let (start, end, step) = a.count == 1 ? (0, a[0], 1) : (a[0], a[1], a.count == 3 ? a[2] : 1)
            guard step != 0 else { throw ExpressionError("arange's step must not be 0", at: 0) }
            let n = try count(max(0, ((end - start) / step).rounded(.up)))
            return .leaf(shape: [n], values: (0..<n).map { Float(start + Double($0) * step) })
        }
        if let value = Float(compact), value.isFinite { return .leaf(shape: [], values: [value]) }
        if compact.hasPrefix("[[") {
            let rows = compact.dropFirst().dropLast().split(separator: "]").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ",[")) }.filter { !$0.isEmpty }
            let parsed = rows.map { $0.split(separator: ",").map { Float($0) } }
            guard compact.hasSuffix("]]"), !parsed.isEmpty, parsed.allSatisfy({ !$0.contains(nil) && $0.count == parsed[0].count }) else {
                throw ExpressionError("a matrix is [[a, b], [c, d]] with rows of one length", at: 0)
            }
            let values = parsed.flatMap { $0.compactMap { $0 } }
            guard values.count <= maximumLeafCount, values.allSatisfy(\.isFinite) else { throw ExpressionError("a leaf has finite values, at most \(maximumLeafCount)", at: 0) }
            return .leaf(shape: [parsed.count, parsed[0].count], values: values)
        }
        if compact.hasPrefix("[") {
            guard compact.hasSuffix("]") else { throw ExpressionError("a vector is [a, b, c]", at: 0) }
            let parsed = compact.dropFirst().dropLast().split(separator: ",").map { Float($0) }
            guard !parsed.contains(nil), parsed.count <= maximumLeafCount, parsed.allSatisfy({ $0!.isFinite }) else {
                throw ExpressionError("a vector is [a, b, c] of finite numbers", at: 0)
            }
            return .leaf(shape: [parsed.count], values: parsed.compactMap { $0 })
        }
        return nil
    }
}
