import Foundation

/// What a source of training can do and show; the dashboard offers only these.
///
/// Key hints, the help overlay and the status bar are filtered by them: a recorded run has
/// no trainer to pause, a TensorBoard log no batch images.
public struct SourceCapabilities: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Pause and resume training (space).
    public static let pause = SourceCapabilities(rawValue: 1 << 0)
    /// Run a number of steps, then pause (n).
    public static let step = SourceCapabilities(rawValue: 1 << 1)
    /// Change the learning rate and other optimizer hyperparameters (+ / -).
    public static let changeLearningRate = SourceCapabilities(rawValue: 1 << 2)
    /// Re-initialise parameters (i).
    public static let reinitialize = SourceCapabilities(rawValue: 1 << 3)
    /// Start over (r).
    public static let reset = SourceCapabilities(rawValue: 1 << 4)
    /// Write a checkpoint (s).
    public static let save = SourceCapabilities(rawValue: 1 << 5)
    /// Load a checkpoint (l).
    public static let load = SourceCapabilities(rawValue: 1 << 6)
    /// Limit the steps per second, or the play speed of a replay (< / >).
    public static let speed = SourceCapabilities(rawValue: 1 << 7)
    /// Snapshots carry batch images with labels and predictions.
    public static let batchImages = SourceCapabilities(rawValue: 1 << 8)
    /// Snapshots carry per-parameter gradients.
    public static let gradients = SourceCapabilities(rawValue: 1 << 9)
    /// A timeline to move through (← / →, home / end): a recorded run.
    public static let timeline = SourceCapabilities(rawValue: 1 << 10)
    /// Nothing more will arrive (a replay that is not followed, a finished run).
    public static let finished = SourceCapabilities(rawValue: 1 << 11)
    /// End the run from the dashboard (X): an attached script's `probe.step` raises `StopTraining`.
    public static let stopRun = SourceCapabilities(rawValue: 1 << 12)
    /// Branch the run and switch which branch trains (b, B): the in-process trainer.
    public static let branch = SourceCapabilities(rawValue: 1 << 13)
    /// Lend a copy of the model for the autograd stepper's graph of it (c on page 5): the in-process trainer.
    public static let modelCopy = SourceCapabilities(rawValue: 1 << 14)

    /// Everything an in-process trainer offers.
    public static let liveTrainer: SourceCapabilities = [.pause, .step, .changeLearningRate, .reinitialize, .reset, .save, .load,
                                                         .speed, .batchImages, .gradients, .branch, .modelCopy]

    /// The commands a source needs to accept `command`, or nil when every source accepts it.
    public static func needed(for command: TrainerCommand) -> SourceCapabilities? {
        switch command {
        case .pause, .resume, .togglePause: .pause
        case .step, .advance: .step
        case .setLearningRate, .scaleLearningRate, .setHyperparameter: .changeLearningRate
        case .reinitialize: .reinitialize
        case .reset: .reset
        case .save: .save
        case .load: .load
        case .setSpeed: .speed
        case .seek: .timeline
        case .stop: .stopRun
        case .branch, .switchBranch: .branch
        case .requestSnapshot: nil
        }
    }
}

/// Whatever trains, seen from a dashboard: events and the latest snapshot out, commands in.
///
/// The in-process trainer (`TrainerController`) and a recorded run (`ReplaySource`) are
/// sources; a remote PyTorch run or a TensorBoard log will be. A dashboard needs nothing else.
/// Every method is safe to call from any thread and never blocks for long.
public protocol TelemetrySource: AnyObject, Sendable {
    /// What this source can do now (may change, e.g. `.finished` when a followed file ends).
    var capabilities: SourceCapabilities { get }
    /// The source this one passes through (a recorder, a logger, a demo's wrapper); nil for
    /// one that is itself where the data comes from.
    var wrappedSource: (any TelemetrySource)? { get }
    /// The newest snapshot, if any.
    func latestSnapshot() -> TrainingSnapshot?
    /// Loss points from `cursor` on, and the cursor to pass next time.
    ///
    /// The history only grows, except when a replay moves back: then it is a shorter prefix of
    /// what it was, and a `cursor` beyond its end gets no points and `next` = the new length,
    /// smaller than `cursor`: the reader drops its points from `next` on.
    func losses(from cursor: Int) -> (points: [LossPoint], next: Int)
    /// The events since the last call.
    func takeEvents() -> [TrainerEvent]
    /// Waits until an event arrives or `seconds` pass; returns the events (possibly none).
    func waitForEvents(timeout seconds: Double) -> [TrainerEvent]
    /// Queues a command; its acknowledgement (`applied` / `refused`) carries the returned id.
    @discardableResult func send(_ command: TrainerCommand) -> CommandID
}

/// Waiting for a source to answer, with a deadline.
public struct SourceTimeout: Error, CustomStringConvertible {
    public let seconds: Double
    public let waitingFor: String
    public var description: String { "no answer within \(Int(seconds)) s (waiting for \(waitingFor))" }
}

extension TelemetrySource {
    public var wrappedSource: (any TelemetrySource)? { nil }

    /// This source and every one it wraps, outermost first.
    public var sourceChain: [any TelemetrySource] {
        var chain: [any TelemetrySource] = [self]
        while let inner = chain[chain.count - 1].wrappedSource, chain.count < 64 { chain.append(inner) }
        return chain
    }

    /// Waits until an event satisfies `done`, handing every event to `observe` first (so a UI
    /// folds in what arrives meanwhile); returns that event, or throws `SourceTimeout`.
    @discardableResult
    public func waitForEvent(timeout seconds: Double, describing what: String,
                             observe: (TrainerEvent) throws -> Void = { _ in },
                             until done: (TrainerEvent) -> Bool) throws -> TrainerEvent {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            for event in waitForEvents(timeout: Swift.min(0.5, Swift.max(0.001, deadline.timeIntervalSinceNow))) {
                try observe(event)
                if done(event) { return event }
            }
        }
        throw SourceTimeout(seconds: seconds, waitingFor: what)
    }

    /// Sends `command` and waits for its acknowledgement; returns it (`applied` or `refused`).
    @discardableResult
    public func sendAndWait(_ command: TrainerCommand, timeout seconds: Double,
                            observe: (TrainerEvent) throws -> Void = { _ in }) throws -> TrainerEvent {
        let id = send(command)
        return try waitForEvent(timeout: seconds, describing: "the answer to \(command)", observe: observe) { event in
            switch event {
            case .applied(id, _), .refused(id, _): true
            default: false
            }
        }
    }
}
