import Telemetry

/// Where a run is and the stepping it owes, as a value with pure transitions.
///
/// The trainer's loop asks `next(now:)` what to do, does it (train a step, wait, publish,
/// end) and reports back (`finishedAdvanceStep`, `finishedRunStep`); commands change the value
/// through the methods below. Nothing here touches a thread, a clock or a tensor: the time is
/// passed in, so every transition can be tested directly.
struct RunControl: Equatable {
    /// Steps an `advance` (or a `step` under manual stepping) still owes, and the state to
    /// return to once they are done.
    struct Advance: Equatable {
        /// At least 1 while the advance lasts.
        var remaining: Int
        var then: RunState
    }

    private(set) var state: RunState = .loading
    /// Steps still to run before pausing (a `step` command), nil when running freely.
    private(set) var stepsToRun: Int?
    /// The advance under way, if any.
    private(set) var advance: Advance?
    /// Steps per second at most (`setSpeed`), nil for as fast as possible.
    private(set) var speedLimit: Double?
    /// When the last paced step began (seconds on the clock passed to `next(now:)`).
    private(set) var lastPacedStep = -Double.infinity
    /// Steps happen only through `step` and `advance`, never by running freely (scripted sessions).
    let manualStepping: Bool
    /// Wait for commands after the last epoch instead of ending.
    let keepAliveWhenFinished: Bool

    init(manualStepping: Bool = false, keepAliveWhenFinished: Bool = false) {
        self.manualStepping = manualStepping
        self.keepAliveWhenFinished = keepAliveWhenFinished
    }

    /// What the trainer's loop does next.
    enum Action: Equatable {
        /// The run was stopped: publish a last snapshot, report `stopped` and end.
        case stop
        /// Train one step of an advance, then call `finishedAdvanceStep`.
        case advanceStep
        /// Train one step of free running or of a `step` command, then call `finishedRunStep`.
        case runStep
        /// A `step` command's steps are done and the run has paused: publish a snapshot.
        case pausedAfterSteps
        /// Wait this many seconds for the next step's time slot (`setSpeed`); a command ends the wait early.
        case pace(seconds: Double)
        /// Nothing to do until a command arrives.
        case waitForCommand
        /// The run is finished and nobody keeps it alive: end.
        case end
    }

    /// Whether the run can take a step: running, or paused (an advance steps a paused run).
    /// False once it has finished, diverged, stopped or failed, and while loading.
    var isTraining: Bool {
        switch state {
        case .running, .paused: true
        default: false
        }
    }

    // MARK: The loop

    /// Decides the loop's next action at time `now` (seconds), taking the step slot when it trains a paced step.
    mutating func next(now: Double) -> Action {
        if state == .stopped { return .stop }
        if advance != nil { return .advanceStep }
        if state == .running, !manualStepping || stepsToRun != nil {
            if stepsToRun == 0 {
                stepsToRun = nil
                state = .paused
                return .pausedAfterSteps
            }
            if let limit = speedLimit {
                let due = lastPacedStep + 1 / limit
                if now < due { return .pace(seconds: due - now) }
                lastPacedStep = now
            }
            return .runStep
        }
        if state == .finished, !keepAliveWhenFinished { return .end }
        return .waitForCommand
    }

    /// Counts an advance step (`trained` is false when the step ended an epoch instead, or
    /// the run stopped training); returns true when the advance is over and `reachedStep` is due.
    mutating func finishedAdvanceStep(trained: Bool) -> Bool {
        guard var current = advance else { return false }
        if trained { current.remaining -= 1 }
        guard current.remaining == 0 || !isTraining else {
            advance = current
            return false
        }
        advance = nil
        if isTraining { state = current.then }
        return true
    }

    /// Counts a step of a `step` command (nothing to count when running freely).
    mutating func finishedRunStep(trained: Bool) {
        if trained, let n = stepsToRun { stepsToRun = n - 1 }
    }

    // MARK: Commands

    /// `pause`: only a running run pauses.
    mutating func pause(atStep step: Int) throws(Refusal) -> String {
        guard state == .running else { throw Refusal("not running (\(state))") }
        state = .paused
        stepsToRun = nil
        return "paused at step \(step)"
    }

    mutating func resume(atStep step: Int) throws(Refusal) -> String {
        try requireResumable()
        state = .running
        stepsToRun = nil
        return "resumed at step \(step)"
    }

    mutating func togglePause(atStep step: Int) throws(Refusal) -> String {
        state == .running ? try pause(atStep: step) : try resume(atStep: step)
    }

    /// `step N`: run N steps, then pause (under manual stepping, an advance reported with `reachedStep`).
    mutating func step(_ n: Int) throws(Refusal) -> String {
        guard n >= 1 else { throw Refusal("step needs a positive count, got \(n)") }
        try requireResumable()
        if manualStepping {
            advance = Advance(remaining: n, then: .paused)
        } else {
            state = .running
            stepsToRun = n
        }
        return "running \(n) step\(n == 1 ? "" : "s")"
    }

    /// `advance N` (scripted sessions): N steps whatever the state, then back to it; reported with `reachedStep`.
    mutating func advance(_ n: Int) throws(Refusal) {
        guard n >= 1 else { throw Refusal("advance needs a positive count, got \(n)") }
        try requireResumable()
        advance = Advance(remaining: n, then: state)
    }

    /// Limits training to `stepsPerSecond` (nil: as fast as it can), so a class can watch each step.
    mutating func setSpeed(_ stepsPerSecond: Double?) throws(Refusal) -> String {
        guard let stepsPerSecond else {
            speedLimit = nil
            return "speed: unlimited"
        }
        guard stepsPerSecond.isFinite, stepsPerSecond > 0 else {
            throw Refusal("the speed must be a positive number of steps per second, got \(stepsPerSecond)")
        }
        speedLimit = Swift.min(stepsPerSecond, 1e6)
        return "speed: \(SpeedText.describe(speedLimit))"
    }

    mutating func stop(atStep step: Int) -> String {
        state = .stopped
        return "stopping at step \(step)"
    }

    /// Checks that training can go on from here; a diverged run goes on from paused.
    private mutating func requireResumable() throws(Refusal) {
        switch state {
        case .paused, .running: return
        case .diverged: state = .paused
        case .finished: throw Refusal("the run is finished; reset it to train again")
        default: throw Refusal("cannot resume: \(state)")
        }
    }

    // MARK: What the trainer reports

    /// Loaded and ready: paused, or running.
    mutating func loaded(startPaused: Bool) {
        state = startPaused ? .paused : .running
    }

    /// A reset: a paused (or diverged) run stays paused; a running or finished one runs.
    mutating func reset() {
        stepsToRun = nil
        switch state {
        case .paused, .diverged: state = .paused
        default: state = .running
        }
    }

    /// New weights were loaded: a diverged run can go on (from paused).
    mutating func weightsReplaced() {
        if case .diverged = state { state = .paused }
    }

    /// Another branch of the run trains now; `branchState` is the state it stopped in. A finished
    /// or diverged one stays so; another goes on as this one would, from paused if this one
    /// was finished, diverged or in the middle of `n` steps.
    mutating func branchSwitched(to branchState: RunState) {
        let wasStepping = stepsToRun != nil
        stepsToRun = nil
        switch branchState {
        case .finished, .diverged: state = branchState
        default:
            switch state {
            case .finished, .diverged: state = .paused
            case .running where wasStepping: state = .paused
            default: break
            }
        }
    }

    /// The last epoch ended.
    mutating func finished() {
        state = .finished
        stepsToRun = nil
    }

    /// The loss of step `step` was not finite.
    mutating func diverged(atStep step: Int) {
        state = .diverged(step: step)
        stepsToRun = nil
    }

    mutating func failed(_ message: String) {
        state = .failed(message)
    }
}

/// The reason a command cannot be applied now (the text of its `refused` acknowledgement).
struct Refusal: Error, CustomStringConvertible, Equatable {
    let description: String
    init(_ description: String) { self.description = description }
}
