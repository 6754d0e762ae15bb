/// One recorded operation in the autograd graph (PyTorch's `grad_fn`).
///
/// A node keeps the inputs it must send gradients to and a backward closure
/// that maps the gradient of its output to one gradient per input (nil where
/// an input needs none). The closure holds the saved tensors; releasing the
/// node after a backward without `retainGraph` drops them, and a second
/// backward through it throws PyTorch's error.
public final class Node: CustomStringConvertible {
    /// PyTorch's class name for the backward function, e.g. `AddmmBackward0`.
    public let name: String
    /// The op's inputs; nil where the input does not require a gradient.
    let inputs: [Tensor?]
    /// Maps the output gradient to one gradient per input; nil once released.
    private(set) var backwardFunction: ((Tensor) -> [Tensor?])?

    init(name: String, inputs: [Tensor?], backward: @escaping (Tensor) -> [Tensor?]) {
        self.name = name
        self.inputs = inputs
        self.backwardFunction = backward
    }

    /// The op's inputs, nil where an input needs no gradient (what PyTorch's `next_functions` lead to).
    public var inputTensors: [Tensor?] { inputs }

    /// Whether the saved tensors were freed by a backward without `retainGraph`.
    public var isReleased: Bool { backwardFunction == nil }

    /// Frees the saved tensors (the closure and what it captured).
    func release() { backwardFunction = nil }

    public var description: String { "<\(name)>" }
}

extension Tensor {
    /// Wraps an op's freshly computed output, recording a graph node when any input needs a gradient.
    ///
    /// `backward` receives the output's gradient and returns one gradient per input,
    /// each already in that input's shape; it is called with grad mode off.
    static func record(
        _ output: Tensor, name: String, inputs: [Tensor],
        backward: @escaping (Tensor) -> [Tensor?]
    ) -> Tensor {
        guard isGradEnabled, inputs.contains(where: { $0.requiresGrad }) else { return output }
        output.gradFn = Node(
            name: name, inputs: inputs.map { $0.requiresGrad ? $0 : nil }, backward: backward)
        return output
    }
}
