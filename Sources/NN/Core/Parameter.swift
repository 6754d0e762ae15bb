import Tensors

/// Marks a module's tensor property as a learnable parameter, like PyTorch's `nn.Parameter`.
///
/// ```swift
/// final class Scale: Module {
///     @Parameter var factor = Tensor([2.0])
///     override func forward(_ x: Tensor) -> Tensor { x * factor }
/// }
/// ```
/// The module finds parameters by reflection, under the property's name, so no
/// registration code is needed. Assigned tensors are made to require gradients.
@propertyWrapper
public final class Parameter {
    /// The parameter's current tensor.
    public var wrappedValue: Tensor {
        didSet { wrappedValue.requiresGrad = true }
    }

    /// Wraps `wrappedValue`, marking it as requiring gradients.
    public init(wrappedValue: Tensor) {
        precondition(wrappedValue.dtype.isFloatingPoint, "a parameter must be a floating-point tensor, got \(wrappedValue.dtype)")
        wrappedValue.requiresGrad = true
        self.wrappedValue = wrappedValue
    }
}

/// Marks an optional tensor property as a learnable parameter that may be absent,
/// like a `Linear` layer's bias with `bias: false` (PyTorch registers it as None).
@propertyWrapper
public final class OptionalParameter {
    /// The parameter's tensor, or nil when the module has none.
    public var wrappedValue: Tensor? {
        didSet { wrappedValue?.requiresGrad = true }
    }

    public init(wrappedValue: Tensor?) {
        wrappedValue?.requiresGrad = true
        self.wrappedValue = wrappedValue
    }
}
