import Tensors

/// A program evaluated: its leaves (requiring gradients), every named value, and the output,
/// whose graph the stepper walks back through.
public struct Evaluation {
    /// The leaves in the order they were defined.
    public let leaves: [(name: String, tensor: Tensor)]
    /// Every statement's tensor by name.
    public let values: [String: Tensor]
    /// The last statement's name and tensor.
    public let outputName: String
    public let output: Tensor
}

extension Program {
    /// Evaluates every statement with autograd on.
    /// - Throws: `ExpressionError` for an unknown name or shapes an operation cannot take
    ///   (checked before the operation, which would otherwise stop the program).
    public func evaluate() throws(ExpressionError) -> Evaluation {
        var values: [String: Tensor] = [:]
        var leaves: [(String, Tensor)] = []
        for (number, statement) in statements.enumerated() {
            let tensor: Tensor
            switch statement.value {
            case .leaf(let shape, let scalars):
                tensor = shape.isEmpty ? Tensor(scalars[0], requiresGrad: true) : Tensor(shape: shape, scalars: scalars, requiresGrad: true)
                leaves.append((statement.name, tensor))
            case .expression(let expression):
                do throws(ExpressionError) {
                    tensor = try Self.evaluate(expression, values)
                } catch {
                    throw ExpressionError("statement \(number + 1) (\(statement.name)): \(error.message)", at: error.offset)
                }
            }
            values[statement.name] = tensor
        }
        let last = statements[statements.count - 1].name
        return Evaluation(leaves: leaves, values: values, outputName: last, output: values[last]!)
    }

    static func evaluate(_ expression: Expression, _ values: [String: Tensor]) throws(ExpressionError) -> Tensor {
        func shape(_ t: Tensor) -> String { "[" + t.shape.map(String.init).joined(separator: ", ") + "]" }
        switch expression {
        case .number(let value):
            return Tensor(value)
        case .name(let name):
            guard let tensor = values[name] else {
                let known = values.keys.sorted().joined(separator: ", ")
                throw ExpressionError("no value named '\(name)'" + (known.isEmpty ? "; define it first, e.g. \(name) = ones(2)" : " (defined: \(known))"), at: 0)
            }
            return tensor
        case .index(let base, let index):
            let tensor = try evaluate(base, values)
            guard tensor.rank >= 1, index >= -tensor.shape[0], index < tensor.shape[0] else {
                throw ExpressionError("index \(index) is out of range for a tensor of shape \(shape(tensor))", at: 0)
            }
            return tensor[index]
        case .negate(let inner):
            return -(try evaluate(inner, values))
        case .power(let base, let exponent):
            return try evaluate(base, values).pow(exponent)
        case .call(let function, let argument):
            let x = try evaluate(argument, values)
            switch function {
            case .exp: return x.exp()
            case .log: return x.log()
            case .relu: return x.relu()
            case .sigmoid: return x.sigmoid()
            case .tanh: return x.tanh()
            case .sum: return x.sum()
            case .mean: return x.mean()
            case .double: return x.double()
            case .float: return x.float()
            }
        case .binary(let op, let left, let right):
            let (a, b) = (try evaluate(left, values), try evaluate(right, values))
            if op == .matmul {
                guard a.dtype == b.dtype else {
                    throw ExpressionError("@ takes two tensors of one dtype, not \(a.dtype) and \(b.dtype) (PyTorch refuses the mix too): "
                                          + "convert both with double(...) or float(...)", at: 0)
                }
                guard (1...2).contains(a.rank), (1...2).contains(b.rank) else {
                    throw ExpressionError("@ takes vectors and matrices, not shapes \(shape(a)) and \(shape(b))", at: 0)
                }
                let inner = b.shape[0]  // a matrix's rows or a vector's length
                guard a.shape[a.rank - 1] == inner else {
                    throw ExpressionError("shapes \(shape(a)) and \(shape(b)) cannot be multiplied (inner sizes \(a.shape[a.rank - 1]) and \(inner))", at: 0)
                }
                return a.matmul(b)
            }
            guard Shape.broadcast(a.shape, b.shape) != nil else {
                throw ExpressionError("shapes \(shape(a)) and \(shape(b)) do not broadcast for \(op.rawValue)", at: 0)
            }
            switch op {
            case .add: return a + b
            case .subtract: return a - b
            case .multiply: return a * b
            case .divide: return a / b
            case .matmul: return a.matmul(b)
            }
        }
    }
}
