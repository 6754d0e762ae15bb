/// A scalar or a (nested) array that can become a tensor, like the argument of `torch.tensor`.
///
/// Whole numbers (`Int`, `Int64`) give an int64 tensor, real numbers (`Float`, `Double`)
/// a float32 tensor, as in PyTorch: `Tensor([[1, 2], [3, 4]])` is int64 and
/// `Tensor([[1.0, 2.0]])` is float32.
public protocol TensorLiteral {
    /// Whether the innermost elements are whole numbers.
    static var isIntegral: Bool { get }
    /// The shape this value has as a tensor.
    var literalShape: [Int] { get }
    /// Appends the scalars in row-major order.
    func appendScalars(to values: inout [Double])
}

extension Int: TensorLiteral {
    public static var isIntegral: Bool { true }
    public var literalShape: [Int] { [] }
    public func appendScalars(to values: inout [Double]) { values.append(Double(self)) }
}

extension Int64: TensorLiteral {
    public static var isIntegral: Bool { true }
    public var literalShape: [Int] { [] }
    public func appendScalars(to values: inout [Double]) { values.append(Double(self)) }
}

extension Float: TensorLiteral {
    public static var isIntegral: Bool { false }
    public var literalShape: [Int] { [] }
    public func appendScalars(to values: inout [Double]) { values.append(Double(self)) }
}

extension Double: TensorLiteral {
    public static var isIntegral: Bool { false }
    public var literalShape: [Int] { [] }
    public func appendScalars(to values: inout [Double]) { values.append(self) }
}

extension Array: TensorLiteral where Element: TensorLiteral {
    public static var isIntegral: Bool { Element.isIntegral }
    public var literalShape: [Int] {
        guard let first else { return [0] }
        let inner = first.literalShape
        for element in dropFirst() where element.literalShape != inner {
            usageFailure("expected sequence of length \(inner.first ?? 0) at dim 1 (got \(element.literalShape.first ?? 0))")
        }
        return [count] + inner
    }
    public func appendScalars(to values: inout [Double]) {
        for element in self { element.appendScalars(to: &values) }
    }
}

extension Tensor {
    /// Creates a tensor from a scalar or nested arrays, like `torch.tensor(data)`.
    ///
    /// ```swift
    /// Tensor([[1, 2], [3, 4]])          // int64, shape [2, 2]
    /// Tensor([[-0.0017, 0.0118]])       // float32, shape [1, 2]
    /// ```
    public convenience init<L: TensorLiteral>(_ literal: L, requiresGrad: Bool = false) {
        let shape = literal.literalShape
        var values: [Double] = []
        values.reserveCapacity(Shape.count(shape))
        literal.appendScalars(to: &values)
        if L.isIntegral {
            usageCheck(!requiresGrad, "only Tensors of floating point dtype can require gradients")
            self.init(shape: shape, int64Scalars: values.map { Int64($0) })
        } else {
            self.init(shape: shape, scalars: values.map { Float($0) }, requiresGrad: requiresGrad)
        }
    }
}
