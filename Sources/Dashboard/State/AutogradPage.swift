import Telemetry

/// The autograd stepper page (5): the graph the app's session shows, and what the keys chose
/// for the next backward call.
public struct AutogradPageState: Sendable, Equatable {
    /// The session's view; nil until the page was first opened.
    public var view: AutogradView?
    /// The first tree row shown.
    public var scroll = 0
    /// Which of `view.seeds` the next backward is given.
    public var seed = 0
    public var retainGraph = false
    /// Which of the built-in examples is loaded (the app's list).
    public var preset = 0
    /// A program being typed after `e` (nil when not typing).
    public var draft: String?

    public init() {}
}

/// What the stepper page asks of the app's session.
public enum AutogradCommand: Sendable, Equatable {
    /// Load built-in example `n` (wrapping).
    case preset(Int)
    /// Load a typed program.
    case program(String)
    /// Call backward on the output with `view.seeds[seed]` and `retain_graph`.
    case begin(seed: Int, retainGraph: Bool)
    /// Run the next node.
    case step
    /// Run every node left.
    case finish
    /// The current model's graph on batch image `sample` (a copy of the model from the source).
    case model(batch: BatchPreview, sample: Int, classNames: [String])
}

/// What a key on the stepper page asks.
public enum AutogradIntent: Sendable, Equatable {
    case step, finish, begin, toggleRetain, nextSeed
    /// Another built-in example, this many on.
    case preset(Int)
    /// Start typing a program.
    case type
    /// The tree this many rows on.
    case scroll(Int)
    /// The current model on the batch image selected on page 6.
    case model
}
