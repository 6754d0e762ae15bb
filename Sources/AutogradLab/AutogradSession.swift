import Telemetry
import Tensors

/// One program on the stepper page: evaluated once, then backward called on its output
/// (with or without a gradient, retaining the graph or not) and stepped node by node; its
/// `view` is what the page draws.
public final class AutogradSession {
    /// What `backward` is called with.
    public enum Seed: Equatable, Sendable {
        /// `y.backward()`: only for a one-element output.
        case implicit
        /// `y.backward(torch.ones_like(y))`.
        case onesLike
        /// `y.backward(LEAF.detach())`: a leaf of the output's shape as the gradient (the notebook's `y.backward(x)`).
        case leaf(String)
    }

    public let text: String
    public let evaluation: Evaluation
    private var stepper: BackwardStepper?
    private var call: String?
    private var error: String?
    private var finished = 0
    /// Tensors whose node ran in the current backward.
    private var ran: Set<ObjectIdentifier> = []
    /// The tensor whose node ran in the last step and the leaves it fed.
    private var touched: Set<ObjectIdentifier> = []
    private var lastStep: String?

    /// Parses and evaluates `text`.
    /// - Throws: `ExpressionError` saying what cannot be evaluated and where.
    public init(_ text: String) throws(ExpressionError) {
        self.text = text
        evaluation = try Program.parse(text).evaluate()
    }

    /// A session over a graph built elsewhere (`ModelGraph`), described by `text`.
    init(evaluation: Evaluation, text: String) {
        self.text = text
        self.evaluation = evaluation
    }

    /// Whether a backward is under way (started and not all of its nodes run).
    public var isStepping: Bool { stepper.map { !$0.isFinished } ?? false }

    /// The seeds that make sense for this output: `backward()` for one element, else a gradient.
    public var seeds: [Seed] {
        let output = evaluation.output
        var seeds: [Seed] = output.count == 1 ? [.implicit] : [.onesLike]
        seeds += evaluation.leaves.filter { $0.tensor.shape == output.shape }.map { .leaf($0.name) }
        return seeds
    }

    /// The notebook's autograd examples and a small neuron, for the stepper's ←/→.
    public static let presets = [
        "x = ones(2); y = 2 * x[0] ** 3 + 2 * x[1] ** 2",
        "x = arange(0, 6.0); y = 2 * x ** 2",
        "w = [[0.5, -1], [2, 0.25]]; x = [1, 2]; b = [0.1, -0.3]; h = relu(w @ x + b); y = sum(h)",
    ]

    /// How a seed is written in the call: nothing, `torch.ones_like(y)`, or the leaf's name.
    public func argument(_ seed: Seed) -> String {
        switch seed {
        case .implicit: ""
        case .onesLike: "torch.ones_like(\(evaluation.outputName))"
        case .leaf(let name): name
        }
    }

    /// Starts `backward(seed, retain_graph:)` without running a node yet; PyTorch's error (the
    /// graph already freed, a gradient of the wrong shape) is kept for the view and nothing changes.
    public func begin(_ seed: Seed, retainGraph: Bool) {
        let output = evaluation.output
        let gradient: Tensor? = switch seed {
        case .implicit: nil
        case .onesLike: Tensor.onesLike(output)
        case .leaf(let name): evaluation.values[name]?.detach()
        }
        var argument = self.argument(seed)
        if retainGraph { argument += (argument.isEmpty ? "" : ", ") + "retain_graph=True" }
        call = "\(evaluation.outputName).backward(\(argument))"
        ran = []
        touched = []
        lastStep = nil
        error = nil
        do {
            stepper = try BackwardStepper(output, gradient: gradient, retainGraph: retainGraph)
        } catch {
            stepper = nil
            self.error = "\(error)"
        }
    }

    /// Runs the next node of the backward under way (nothing when none is).
    public func step() {
        guard let stepper, !stepper.isFinished, let step = stepper.step() else { return }
        ran.insert(ObjectIdentifier(step.tensor))
        touched = [ObjectIdentifier(step.tensor)]
        for (input, gradient) in zip(step.inputs, step.inputGradients) where gradient != nil {
            // A leaf's .grad changed now; a node's gradient waits for it (shown as waiting).
            if let input, input.gradFn == nil { touched.insert(ObjectIdentifier(input)) }
        }
        let sent = step.inputGradients.map { $0.map(Self.line) ?? "None" }.joined(separator: ", ")
        lastStep = "\(step.name): gradient in \(Self.line(step.outputGradient)) → out \(sent)"
        if stepper.isFinished { finished += 1 }
    }

    /// Runs every node left.
    public func finish() {
        while isStepping { step() }
    }

    /// A tensor as PyTorch prints it, on one line.
    static func line(_ tensor: Tensor) -> String {
        tensor.description.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    /// What the page shows now.
    public var view: AutogradView {
        var rows: [AutogradView.Row] = []
        var shown: [ObjectIdentifier: Int] = [:]
        var names: [ObjectIdentifier: String] = [:]
        for (name, tensor) in evaluation.values { names[ObjectIdentifier(tensor)] = name }
        /// Rows for `tensor` and, below it, its inputs.
        func walk(_ tensor: Tensor, prefix: String, childPrefix: String) {
            let id = ObjectIdentifier(tensor)
            let isLeaf = tensor.gradFn == nil
            var state: AutogradView.State = .idle
            var gradient: String?
            if touched.contains(id) {
                state = .current
            } else if let pending = stepper?.pendingGradient(of: tensor) {
                state = .waiting
                gradient = Self.line(pending)
            } else if ran.contains(id) {
                state = .done
            }
            if state == .current, !isLeaf, let step = stepper?.steps.last, step.tensor === tensor { gradient = Self.line(step.outputGradient) }
            let label = isLeaf ? (names[id] ?? "leaf") : tensor.gradFn!.name
            var row = AutogradView.Row(prefix: prefix, label: label, name: isLeaf ? nil : names[id], isLeaf: isLeaf,
                                       requiresGrad: tensor.requiresGrad, value: Self.line(tensor.detach()),
                                       grad: isLeaf ? (tensor.grad.map(Self.line) ?? "None") : nil, gradient: gradient, state: state)
            if let first = shown[id] {
                row.repeatOf = first
                rows.append(row)
                return
            }
            shown[id] = rows.count
            rows.append(row)
            let inputs = (tensor.gradFn?.inputTensors ?? []).compactMap { $0 }
            for (i, input) in inputs.enumerated() {
                let last = i == inputs.count - 1
                walk(input, prefix: childPrefix + (last ? "└─ " : "├─ "), childPrefix: childPrefix + (last ? "   " : "│  "))
            }
        }
        walk(evaluation.output, prefix: "", childPrefix: "")
        return AutogradView(program: text, rows: rows, call: call, stepsDone: stepper?.steps.count ?? 0,
                            nodeCount: rows.filter { !$0.isLeaf && $0.repeatOf == nil }.count, backwardsFinished: finished,
                            lastStep: lastStep, error: error, seeds: seeds.map(argument))
    }
}
