/// Why `gradcheck` failed, PyTorch's `torch.autograd.GradcheckError`.
///
/// `message` is worded like PyTorch's (for a mismatch: "Jacobian mismatch for output 0 with
/// respect to input 1,", then both Jacobians), followed, for a mismatch, by the worst element.
public struct GradcheckError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The element of a Jacobian where the analytical and numerical values disagree most.
    public struct Element: Equatable, Sendable {
        /// The position in the input (row-major).
        public let inputElement: Int
        /// The position in the output (row-major).
        public let outputElement: Int
        /// The finite-difference value.
        public let numerical: Double
        /// The value from backward.
        public let analytical: Double
    }

    /// The message, worded like PyTorch's.
    public let message: String
    /// The output whose Jacobian disagrees, for a mismatch.
    public let outputIndex: Int?
    /// The input (position in the inputs) whose Jacobian disagrees, for a mismatch or a bad input.
    public let inputIndex: Int?
    /// The worst element, for a mismatch.
    public let worst: Element?

    /// Creates an error; only a Jacobian mismatch has `outputIndex` and `worst`.
    public init(_ message: String, outputIndex: Int? = nil, inputIndex: Int? = nil, worst: Element? = nil) {
        self.message = message
        self.outputIndex = outputIndex
        self.inputIndex = inputIndex
        self.worst = worst
    }

    public var description: String { message }
}
