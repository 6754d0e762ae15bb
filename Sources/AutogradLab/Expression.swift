/// A small expression over named tensors, as the autograd stepper takes it typed in:
/// `2*x[0]^3 + 2*x[1]^2`, `sum(relu(w @ x + b))`, `mean(sigmoid(a) * log(b))`.
///
/// Operators `+ - * /`, `@` (matmul), `^` (a number power, like PyTorch's `**`), unary `-`,
/// indexing `x[i]`, and the functions `pow(x, n) exp log relu sigmoid tanh sum mean matmul(a, b)`
/// and the conversions `double float`.
public indirect enum Expression: Equatable, Sendable {
    case number(Float)
    case name(String)
    case index(Expression, Int)
    case negate(Expression)
    case binary(Operator, Expression, Expression)
    /// `x ^ n` or `pow(x, n)`: the exponent is a number.
    case power(Expression, Float)
    case call(Function, Expression)

    /// The binary operators.
    public enum Operator: String, Sendable, CaseIterable {
        case add = "+", subtract = "-", multiply = "*", divide = "/", matmul = "@"
    }

    /// The one-argument functions.
    public enum Function: String, Sendable, CaseIterable {
        case exp, log, relu, sigmoid, tanh, sum, mean
        /// `x.double()` / `x.float()`: the value in float64 / float32 (`ToCopyBackward0`).
        case double, float
    }

    /// The names the expression uses, in the order they first appear.
    public var names: [String] {
        var seen: [String] = []
        func visit(_ e: Expression) {
            switch e {
            case .number: break
            case .name(let n): if !seen.contains(n) { seen.append(n) }
            case .index(let a, _), .negate(let a), .power(let a, _), .call(_, let a): visit(a)
            case .binary(_, let a, let b): visit(a); visit(b)
            }
        }
        visit(self)
        return seen
    }
}

/// Why typed text is not an expression: what and where (a 0-based character offset).
public struct ExpressionError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public let offset: Int
    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }
    public var description: String { "at character \(offset + 1): \(message)" }
}

extension Expression {
    /// Parses `text`.
    /// - Throws: `ExpressionError` naming what is wrong and where.
    public static func parse(_ text: String) throws(ExpressionError) -> Expression {
        var parser = ExpressionParser(Array(text))
        let expression = try parser.expression()
        parser.skipSpaces()
        if parser.position < parser.characters.count {
            throw ExpressionError("unexpected '\(parser.characters[parser.position])'", at: parser.position)
        }
        return expression
    }
}

/// Recursive descent over the characters: sums of products of powers of primaries.
struct ExpressionParser {
    let characters: [Character]
    var position = 0

    init(_ characters: [Character]) { self.characters = characters }

    /// The deepest nesting accepted (a typed expression needs few; a hostile one cannot overflow the stack).
    static let maximumDepth = 64
    private var depth = 0

    mutating func skipSpaces() {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
    }

    private mutating func peek() -> Character? {
        skipSpaces()
        return position < characters.count ? characters[position] : nil
    }

    private mutating func expect(_ character: Character) throws(ExpressionError) {
        guard peek() == character else {
            throw ExpressionError(peek().map { "expected '\(character)', found '\($0)'" } ?? "expected '\(character)' at the end", at: position)
        }
        position += 1
    }

    /// sum := product (('+' | '-') product)*
    mutating func expression() throws(ExpressionError) -> Expression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw ExpressionError("nested more than \(Self.maximumDepth) deep", at: position) }
        var left = try product()
        while let c = peek(), c == "+" || c == "-" {
            position += 1
            left = .binary(c == "+" ? .add : .subtract, left, try product())
        }
        return left
    }

    /// product := unary (('*' | '/' | '@') unary)*
    private mutating func product() throws(ExpressionError) -> Expression {
        var left = try unary()
        while let c = peek(), c == "*" || c == "/" || c == "@" {
            position += 1
            // `**` is Python's power: accepted as `^`.
            if c == "*", peek() == "*" {
                position += 1
                left = .power(left, try exponent())
                continue
            }
            left = .binary(c == "*" ? .multiply : c == "/" ? .divide : .matmul, left, try unary())
        }
        return left
    }

    /// unary := '-' unary | power
    private mutating func unary() throws(ExpressionError) -> Expression {
        if peek() == "-" {
            position += 1
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maximumDepth else { throw ExpressionError("nested more than \(Self.maximumDepth) deep", at: position) }
            return .negate(try unary())
        }
        return try power()
    }

    /// power := postfix ('^' number | '**' number)?
    private mutating func power() throws(ExpressionError) -> Expression {
        let base = try postfix()
        if peek() == "^" {
            position += 1
            return .power(base, try exponent())
        }
        if peek() == "*", position + 1 < characters.count, characters[position + 1] == "*" {
            position += 2
            return .power(base, try exponent())
        }
        return base
    }

    /// A power's exponent: a number, maybe negative.
    private mutating func exponent() throws(ExpressionError) -> Float {
        let start = position
        var sign: Float = 1
        if peek() == "-" {
            sign = -1
            position += 1
        }
        guard case .number(let value) = try primary() else { throw ExpressionError("an exponent must be a number", at: start) }
        return sign * value
    }

    /// postfix := primary ('[' integer ']')*
    private mutating func postfix() throws(ExpressionError) -> Expression {
        var value = try primary()
        while peek() == "[" {
            position += 1
            skipSpaces()
            let start = position
            var negative = false
            if peek() == "-" {
                negative = true
                position += 1
            }
            let digits = take { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let index = Int(digits) else { throw ExpressionError("an index must be a whole number", at: start) }
            value = .index(value, negative ? -index : index)
            try expect("]")
        }
        return value
    }

    /// primary := number | name | name '(' arguments ')' | '(' sum ')'
    private mutating func primary() throws(ExpressionError) -> Expression {
        guard let c = peek() else { throw ExpressionError("the expression ends too soon", at: position) }
        let start = position
        if c == "(" {
            position += 1
            let inner = try expression()
            try expect(")")
            return inner
        }
        if c.isASCII && (c.isNumber || c == ".") {
            let text = take { $0.isASCII && ($0.isNumber || $0 == ".") }
            // An exponent part (1e-3).
            var full = text
            if position < characters.count, characters[position] == "e" || characters[position] == "E" {
                let save = position
                position += 1
                var exponentText = "e"
                if position < characters.count, characters[position] == "-" || characters[position] == "+" {
                    exponentText.append(characters[position])
                    position += 1
                }
                let digits = take { $0.isASCII && $0.isNumber }
                if digits.isEmpty { position = save } else { full += exponentText + digits }
            }
            guard let value = Float(full), value.isFinite else { throw ExpressionError("'\(full)' is not a number", at: start) }
            return .number(value)
        }
        guard c.isLetter || c == "_" else { throw ExpressionError("unexpected '\(c)'", at: start) }
        let word = take { $0.isLetter || $0.isNumber || $0 == "_" }
        guard peek() == "(" else { return .name(word) }
        position += 1
        if word == "pow" {
            let base = try expression()
            try expect(",")
            let power = try exponent()
            try expect(")")
            return .power(base, power)
        }
        if word == "matmul" {
            let a = try expression()
            try expect(",")
            let b = try expression()
            try expect(")")
            return .binary(.matmul, a, b)
        }
        guard let function = Expression.Function(rawValue: word) else {
            let known = (Expression.Function.allCases.map(\.rawValue) + ["pow", "matmul"]).joined(separator: ", ")
            throw ExpressionError("no function '\(word)'; the functions are \(known)", at: start)
        }
        let argument = try expression()
        try expect(")")
        return .call(function, argument)
    }

    /// The characters from here that satisfy `accept`.
    private mutating func take(while accept: (Character) -> Bool) -> String {
        let start = position
        while position < characters.count, accept(characters[position]) { position += 1 }
        return String(characters[start..<position])
    }
}
