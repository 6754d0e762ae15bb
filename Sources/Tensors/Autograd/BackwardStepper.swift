/// `backward` one node at a time, for watching it happen (the autograd stepper).
///
/// Each `step()` runs the next node of the graph that has a gradient waiting, as `backward`
/// would, and reports the gradient that flowed into the node and the ones it sent to its
/// inputs; leaves' `grad` fill in as their gradients arrive. The same checks as `backward`
/// happen at the start (a graph already freed throws PyTorch's error, and no `grad` changes),
/// and once the last node has run the graph is freed unless `retainGraph`.
public final class BackwardStepper {
    /// One node run: the tensor whose `grad_fn` ran, the gradient it received, and the
    /// gradient it sent to each input (nil where an input needs none).
    public struct Step {
        /// The tensor whose node ran (for a leaf root, the leaf itself: its gradient was accumulated).
        public let tensor: Tensor
        /// The node's PyTorch name (`MulBackward0`), or `AccumulateGrad` for a leaf root.
        public let name: String
        public let outputGradient: Tensor
        /// The node's inputs (nil where an input does not require a gradient) and their gradients.
        public let inputs: [Tensor?]
        public let inputGradients: [Tensor?]
    }

    private var pass: BackwardPass
    private let retainGraph: Bool
    private var freed = false
    /// The steps run so far, oldest first.
    public private(set) var steps: [Step] = []

    /// Prepares `output.backward(gradient, retainGraph:)` without running any node yet.
    /// - Throws: what `backward` throws, before anything changes.
    public init(_ output: Tensor, gradient: Tensor? = nil, retainGraph: Bool = false) throws {
        pass = try BackwardPass(from: output, gradient: gradient)
        self.retainGraph = retainGraph
    }

    /// Whether every node has run (and the graph was freed, unless retained).
    public var isFinished: Bool { pass.isFinished }

    /// The gradient waiting for `tensor`'s node (nil when none is, or it has run).
    public func pendingGradient(of tensor: Tensor) -> Tensor? { pass.pending[ObjectIdentifier(tensor)] }

    /// Runs the next node; nil when the pass is over.
    @discardableResult
    public func step() -> Step? {
        var ran: Step?
        noGrad {
            _ = pass.runNext { tensor, outputGradient, inputGradients in
                let inputs = tensor.gradFn?.inputs ?? []
                ran = Step(tensor: tensor, name: tensor.gradFn?.name ?? "AccumulateGrad", outputGradient: outputGradient,
                           inputs: inputs, inputGradients: inputGradients)
            }
        }
        if let ran { steps.append(ran) }
        if pass.isFinished && !freed {
            freed = true
            pass.finish(retainGraph: retainGraph)
        }
        return ran
    }

    /// Runs every node left; returns the steps run.
    @discardableResult
    public func finish() -> [Step] {
        var run: [Step] = []
        while let step = step() { run.append(step) }
        return run
    }
}
