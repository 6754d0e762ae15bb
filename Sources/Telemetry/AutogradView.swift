/// What the autograd stepper page shows: a graph as rows of a tree (the output at the top,
/// PyTorch's node names, leaves with their values and `.grad`), where backward has got to,
/// and the last step's gradients. Plain values: the stepper builds them, the dashboard draws them.
public struct AutogradView: Sendable, Equatable, Codable {
    /// One row of the tree.
    public struct Row: Sendable, Equatable, Codable {
        /// The tree's lines before the label (`│  ├─ `), drawn by the stepper's walk.
        public var prefix: String
        /// `MulBackward0`, or a leaf's name.
        public var label: String
        /// The statement's name when the tensor has one (`y`, `h`), for a node.
        public var name: String?
        public var isLeaf: Bool
        public var requiresGrad: Bool
        /// The tensor's values as PyTorch prints them (one line).
        public var value: String
        /// A leaf's `.grad` (`None` before any gradient arrives).
        public var grad: String?
        /// The gradient waiting for this node, or the one that has just flowed into it.
        public var gradient: String?
        public var state: State
        /// The row this one repeats (a tensor used twice is drawn in full once).
        public var repeatOf: Int?

        public init(prefix: String, label: String, name: String? = nil, isLeaf: Bool, requiresGrad: Bool, value: String,
                    grad: String? = nil, gradient: String? = nil, state: State, repeatOf: Int? = nil) {
            (self.prefix, self.label, self.name, self.isLeaf, self.requiresGrad, self.value) = (prefix, label, name, isLeaf, requiresGrad, value)
            (self.grad, self.gradient, self.state, self.repeatOf) = (grad, gradient, state, repeatOf)
        }
    }

    /// Where backward is at a row.
    public enum State: String, Sendable, Equatable, Codable {
        /// Not reached by backward (yet).
        case idle
        /// A gradient is waiting for it.
        case waiting
        /// It ran in the last step (or, for a leaf, its `.grad` changed in it).
        case current
        /// It has run.
        case done
    }

    /// The program as typed.
    public var program: String
    public var rows: [Row]
    /// What backward was called with: `y.backward()`, `y.backward(torch.ones_like(x), retain_graph=True)`.
    public var call: String?
    /// Nodes run so far in this backward, and how many the graph has.
    public var stepsDone: Int
    public var nodeCount: Int
    /// How many backward passes have finished on this graph.
    public var backwardsFinished: Int
    /// The last step in words: `MulBackward0: grad_output tensor(1.) → inputs tensor([2.]), None`.
    public var lastStep: String?
    /// PyTorch's error from the last call, if it failed (then `.grad` is unchanged).
    public var error: String?
    /// The gradients backward can be given here, as the call writes them (`` for none,
    /// `torch.ones_like(y)`, `x`).
    public var seeds: [String] = []

    public init(program: String, rows: [Row], call: String? = nil, stepsDone: Int = 0, nodeCount: Int = 0, backwardsFinished: Int = 0,
                lastStep: String? = nil, error: String? = nil, seeds: [String] = []) {
        (self.program, self.rows, self.call, self.stepsDone, self.nodeCount) = (program, rows, call, stepsDone, nodeCount)
        (self.backwardsFinished, self.lastStep, self.error, self.seeds) = (backwardsFinished, lastStep, error, seeds)
    }
}
