import Datasets
import Dispatch
import NN
import Synchronization
import Tensors
import Telemetry

/// The thread-safe handle to a training run: commands in; snapshots, loss points and events out.
///
/// The trainer itself (model, optimizer, every tensor) lives on its own thread and is
/// never touched from outside. It takes commands between steps, publishes the latest
/// snapshot into a one-slot mailbox (the newest wins), appends every step's loss to a
/// history read through a cursor (nothing is missed however rarely one reads), and never
/// waits for a reader.
public final class TrainerController: TelemetrySource {
    private struct Inbox: Sendable {
        var nextID = 1
        var commands: [(CommandID, TrainerCommand)] = []
        /// Why the trainer thread ended, once it has: later commands are refused at once.
        var endedBecause: String?
    }

    private let inbox = Mutex(Inbox())
    private let mailbox = Mutex<TrainingSnapshot?>(nil)
    private let losses = Mutex<[LossPoint]>([])
    private let events = Mutex<[TrainerEvent]>([])
    /// Wakes a paused trainer when a command arrives.
    let wake = DispatchSemaphore(value: 0)
    /// Wakes a reader waiting for events.
    private let eventSignal = DispatchSemaphore(value: 0)
    /// Signalled once the first snapshot is out (or the thread has ended): the trainer has loaded, or failed to.
    private let firstSnapshot = DispatchSemaphore(value: 0)
    private let published = Atomic<Bool>(false)
    private let thread = Mutex<JoinableThread?>(nil)
    /// A copy of the model asked for (`modelCopy`) and, once the trainer made it, the copy.
    private let modelRequest = Mutex<(wanted: Bool, copy: ModelCopy?)>((false, nil))
    /// Signalled when the trainer has answered a model request.
    private let modelAnswered = DispatchSemaphore(value: 0)

    /// Starts training `config` on a new thread (the config is validated first).
    public static func start(_ config: TrainingConfig) throws -> TrainerController {
        try config.validate()
        let controller = TrainerController()
        let handle = JoinableThread(name: "tt-trainer") { [controller] in
            let ending = Trainer.run(config: config, controller: controller)
            controller.trainerEnded(ending)
        }
        controller.thread.withLock { $0 = handle }
        return controller
    }

    /// Everything a live trainer offers; `.finished` once its thread has ended.
    public var capabilities: SourceCapabilities {
        inbox.withLock { $0.endedBecause == nil } ? .liveTrainer : SourceCapabilities.liveTrainer.union(.finished)
    }

    // MARK: Commands

    /// Queues a command for the next step boundary; its acknowledgement carries the returned id.
    ///
    /// Once the trainer thread has ended, the command is refused at once (so nobody waits
    /// for an acknowledgement that would never come).
    @discardableResult
    public func send(_ command: TrainerCommand) -> CommandID {
        let (id, endedBecause) = inbox.withLock { box -> (CommandID, String?) in
            defer { box.nextID += 1 }
            if box.endedBecause == nil { box.commands.append((box.nextID, command)) }
            return (box.nextID, box.endedBecause)
        }
        if let endedBecause {
            report(.refused(id, endedBecause))
        } else {
            wake.signal()
        }
        return id
    }

    /// Called as the trainer thread ends: refuses the commands it left unanswered and every later one.
    private func trainerEnded(_ reason: String) {
        let unanswered = inbox.withLock { box in
            defer { box.commands.removeAll() }
            box.endedBecause = reason
            return box.commands
        }
        for (id, _) in unanswered { report(.refused(id, reason)) }
        eventSignal.signal()
        if !published.exchange(true, ordering: .acquiringAndReleasing) { firstSnapshot.signal() }
    }

    /// The commands queued since the last call (trainer side).
    func takeCommands() -> [(CommandID, TrainerCommand)] {
        inbox.withLock { box in
            defer { box.commands.removeAll() }
            return box.commands
        }
    }

    // MARK: A copy of the model

    /// A copy of the model as the trainer has it between two steps (its architecture and
    /// weights, rebuilt here), for the autograd stepper; nil when the run has ended or the
    /// trainer does not answer within `timeout` seconds (a step longer than that).
    public func modelCopy(timeout: Double) -> Module? {
        guard inbox.withLock({ $0.endedBecause == nil }) else { return nil }
        modelRequest.withLock { $0 = (true, nil) }
        wake.signal()
        let deadline = DispatchTime.now() + timeout
        while modelAnswered.wait(timeout: deadline) == .success {
            // A late answer to an earlier request that timed out carries no copy: wait on.
            if let copy = modelRequest.withLock({ request in defer { request.copy = nil }; return request.copy }) {
                let model = copy.spec.makeModule()
                return (try? model.loadStateDict(copy.weights.stateDict())) == nil ? nil : model
            }
        }
        modelRequest.withLock { $0.wanted = false }
        return nil
    }

    /// Whether a copy of the model is wanted (trainer side); clears the request.
    func takeModelRequest() -> Bool {
        modelRequest.withLock { request in
            defer { request.wanted = false }
            return request.wanted
        }
    }

    /// Hands over the copy asked for (trainer side).
    func deliver(_ copy: ModelCopy?) {
        modelRequest.withLock { $0.copy = copy }
        modelAnswered.signal()
    }

    // MARK: Snapshots

    /// The newest snapshot, if one was published.
    public func latestSnapshot() -> TrainingSnapshot? { mailbox.withLock { $0 } }

    func publish(_ snapshot: TrainingSnapshot) {
        mailbox.withLock { $0 = snapshot }
        if !published.exchange(true, ordering: .acquiringAndReleasing) { firstSnapshot.signal() }
    }

    /// Waits until the trainer has loaded its data and model (or failed to) and returns why
    /// it could not start, or nil when it runs. Consumes no events.
    ///
    /// The dashboard calls this before taking over the terminal, so a data set that cannot be
    /// read is a plain message and an exit code, not a failed dashboard.
    public func startupFailure() -> String? {
        firstSnapshot.wait()
        firstSnapshot.signal()  // for any other caller
        if case .failed(let message)? = latestSnapshot()?.state { return message }
        return nil
    }

    // MARK: Losses

    /// Every loss point from `cursor` on, and the cursor to pass next time.
    public func losses(from cursor: Int) -> (points: [LossPoint], next: Int) {
        losses.withLock { all in
            let start = Swift.min(Swift.max(cursor, 0), all.count)
            return (Array(all[start...]), all.count)
        }
    }

    func append(_ point: LossPoint) { losses.withLock { $0.append(point) } }

    // MARK: Events

    /// The events reported since the last call.
    public func takeEvents() -> [TrainerEvent] {
        events.withLock { list in
            defer { list.removeAll() }
            return list
        }
    }

    /// Waits until an event arrives or `seconds` pass; returns the events (possibly none).
    public func waitForEvents(timeout seconds: Double) -> [TrainerEvent] {
        _ = eventSignal.wait(timeout: .now() + seconds)
        return takeEvents()
    }

    func report(_ event: TrainerEvent) {
        events.withLock { $0.append(event) }
        eventSignal.signal()
    }

    // MARK: Lifetime

    /// Waits until the training thread has ended (after `stop`, or when the run is over).
    public func join() {
        if let handle = thread.withLock({ $0 }) { handle.join() }
    }
}
