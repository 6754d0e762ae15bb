/// An `nn.init` method named the way PyTorch spells it, with its arguments, as plain data.
///
/// The trainer turns it into the real initialiser and refuses unknown names or arguments;
/// the dashboard offers the list the trainer publishes (`TrainingSnapshot.initChoices`).
public struct InitChoice: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// PyTorch's function name, e.g. `kaiming_uniform_`, or `default` for nn.Linear's own init.
    public var name: String
    /// Keyword arguments in display order, e.g. `[("mean", "0.0"), ("std", "0.01")]`.
    public var arguments: [Argument]

    public struct Argument: Sendable, Equatable, Hashable, Codable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(name: String, arguments: [Argument] = []) {
        self.name = name
        self.arguments = arguments
    }

    /// `name(a=1, b='x')`.
    public var description: String {
        "\(name)(" + arguments.map { "\($0.name)=\($0.value)" }.joined(separator: ", ") + ")"
    }
}

/// Identifies a command so its acknowledgement can be matched.
public typealias CommandID = Int

/// What a UI or CLI asks the trainer to do; applied between steps and acknowledged.
public enum TrainerCommand: Sendable, Equatable, Codable {
    case pause
    case resume
    case togglePause
    /// Run exactly this many steps, then pause.
    case step(Int)
    /// Run exactly this many steps and return to the current state (scripted demos, which
    /// use `TrainingConfig.manualStepping` so that nothing else moves the run).
    case advance(Int)
    case setLearningRate(Double)
    /// Multiply the learning rate (×2 / ÷2 from the keyboard).
    case scaleLearningRate(Double)
    /// Set another optimizer hyperparameter: `momentum`, `weight_decay`, `beta1`, `beta2`, `eps`, `nesterov`.
    case setHyperparameter(name: String, value: Double)
    /// Re-initialise one parameter (by dotted name) or all of them (nil).
    case reinitialize(parameter: String?, method: InitChoice)
    /// Start over: re-initialise everything, reset the optimizer and data order, new loss-curve segment.
    case reset
    /// Write a checkpoint (safetensors); nil chooses `checkpoints/step-<N>.safetensors`.
    case save(path: String?)
    /// Load a checkpoint strictly; a failed load changes nothing.
    case load(path: String)
    /// Limit training (or a replay) to this many steps per second; nil runs as fast as it can.
    case setSpeed(stepsPerSecond: Double?)
    /// Move a recorded run's timeline.
    case seek(TimelineMove)
    /// Publish a snapshot now rather than at the next interval.
    case requestSnapshot
    /// Finish the current step and end the run.
    case stop
    /// Branch the run here: a new branch starts from the active one's weights, optimizer state
    /// and place in the data, with `change`, and trains from now on (the other one waits).
    case branch(BranchChange)
    /// Train another branch: the next one after the active (nil), or the one with this index.
    case switchBranch(Int?)

    // The JSON names of unlabelled values (docs/TELEMETRY.md).
    enum StepCodingKeys: String, CodingKey { case _0 = "count" }
    enum AdvanceCodingKeys: String, CodingKey { case _0 = "count" }
    enum SetLearningRateCodingKeys: String, CodingKey { case _0 = "value" }
    enum ScaleLearningRateCodingKeys: String, CodingKey { case _0 = "factor" }
    enum SeekCodingKeys: String, CodingKey { case _0 = "move" }
    enum BranchCodingKeys: String, CodingKey { case _0 = "change" }
    enum SwitchBranchCodingKeys: String, CodingKey { case _0 = "index" }
}

/// What the trainer reports: command acknowledgements and run milestones.
public enum TrainerEvent: Sendable, Equatable, Codable {
    case applied(CommandID, String)
    case refused(CommandID, String)
    case epochFinished(EpochResult)
    case diverged(step: Int, loss: Double)
    case saved(path: String)
    /// An `advance` finished: the run stands at this step.
    case reachedStep(Int)
    case finished
    case stopped
    case failed(String)
    /// Something looks wrong but training goes on (e.g. a loss far above its starting value for many steps).
    case warning(String)
    /// Worth knowing, nothing wrong: a run attached or ended, the dashboard waits for the next.
    case notice(String)

    // The JSON names of unlabelled values (docs/TELEMETRY.md).
    enum AppliedCodingKeys: String, CodingKey { case _0 = "id", _1 = "text" }
    enum RefusedCodingKeys: String, CodingKey { case _0 = "id", _1 = "reason" }
    enum EpochFinishedCodingKeys: String, CodingKey { case _0 = "result" }
    enum ReachedStepCodingKeys: String, CodingKey { case _0 = "step" }
    enum FailedCodingKeys: String, CodingKey { case _0 = "message" }
    enum WarningCodingKeys: String, CodingKey { case _0 = "text" }
    enum NoticeCodingKeys: String, CodingKey { case _0 = "text" }
}

/// Where to move on a timeline of snapshots.
public enum TimelineMove: Sendable, Equatable, Codable {
    /// By this many snapshots (negative moves back).
    case by(Int)
    case first
    case last
    /// To the snapshot at this index.
    case to(Int)

    // The JSON names of unlabelled values (docs/TELEMETRY.md).
    enum ByCodingKeys: String, CodingKey { case _0 = "offset" }
    enum ToCodingKeys: String, CodingKey { case _0 = "index" }
}
