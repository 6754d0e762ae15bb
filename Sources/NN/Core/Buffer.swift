import Tensors

/// Marks a module's tensor property as a buffer: state that is saved but not trained,
/// like PyTorch's `register_buffer` (a batch norm's running mean).
///
/// ```swift
/// final class Counter: Module {
///     @Buffer var steps = Tensor(shape: [], int64Scalars: [0])
/// }
/// ```
/// Buffers are found by reflection under the property's name, like `@Parameter`. They
/// appear in `namedBuffers()` and `stateDict()` but not in `parameters()`, so optimizers
/// never touch them, and they never require gradients. Update them in place (`copy_`),
/// so state dicts taken earlier see the new values, as in PyTorch.
@propertyWrapper
public final class Buffer {
    /// The buffer's current tensor.
    public var wrappedValue: Tensor {
        didSet { precondition(!wrappedValue.requiresGrad, "a buffer cannot require gradients; assign a detached tensor") }
    }

    /// Wraps `wrappedValue`, which must not require gradients.
    public init(wrappedValue: Tensor) {
        precondition(!wrappedValue.requiresGrad, "a buffer cannot require gradients; assign a detached tensor")
        self.wrappedValue = wrappedValue
    }
}

/// Marks an optional tensor property as a buffer that may be absent, like a batch norm's
/// running statistics with `track_running_stats=False` (PyTorch registers them as None).
@propertyWrapper
public final class OptionalBuffer {
    /// The buffer's tensor, or nil when the module has none.
    public var wrappedValue: Tensor? {
        didSet { precondition(wrappedValue?.requiresGrad != true, "a buffer cannot require gradients; assign a detached tensor") }
    }

    /// Wraps `wrappedValue` (nil for an absent buffer), which must not require gradients.
    public init(wrappedValue: Tensor?) {
        precondition(wrappedValue?.requiresGrad != true, "a buffer cannot require gradients; assign a detached tensor")
        self.wrappedValue = wrappedValue
    }
}
