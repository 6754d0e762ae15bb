/// A condition PyTorch raises to the user at run time, as a thrown Swift error.
///
/// Programming mistakes that Swift itself would trap on (shape mismatches in an
/// op, an index out of range) stop with a precondition message instead.
public struct TensorError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The message, worded like PyTorch's where PyTorch has one.
    public let message: String

    /// Creates an error with the given message.
    public init(_ message: String) { self.message = message }

    public var description: String { message }

    /// PyTorch's text for a second backward through a freed graph.
    public static let backwardTwice = TensorError(
        "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward."
    )

    /// PyTorch's text for `backward()` on a tensor with more than one element.
    public static let implicitGradNeedsScalar = TensorError(
        "grad can be implicitly created only for scalar outputs")

    /// PyTorch's text for `backward()` on a tensor outside any graph.
    public static let noGradFn = TensorError(
        "element 0 of tensors does not require grad and does not have a grad_fn")
}
