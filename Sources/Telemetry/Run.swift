/// Where the run is.
public enum RunState: Sendable, Equatable, Codable, CustomStringConvertible {
    case loading
    case running
    case paused
    case finished
    case diverged(step: Int)
    case stopped
    case failed(String)

    public var description: String {
        switch self {
        case .loading: "loading"
        case .running: "running"
        case .paused: "paused"
        case .finished: "finished"
        case .diverged(let step): "diverged at step \(step)"
        case .stopped: "stopped"
        case .failed(let message): "failed: \(message)"
        }
    }

    // The JSON names of unlabelled values (docs/TELEMETRY.md).
    enum FailedCodingKeys: String, CodingKey { case _0 = "message" }
}

/// One training step's loss.
public struct LossPoint: Sendable, Equatable, Codable {
    public var step: Int
    public var loss: Double
    /// Increases at every reset, so a curve can start a new segment.
    public var segment: Int
    /// The learning rate the step used (nil when the source does not say).
    public var learningRate: Double?
    /// The branch of the run that trained the step: 0 for the run itself (A), 1 for its first
    /// branch (B), ... (`TrainingSnapshot.branches`).
    public var branch: Int
    public init(step: Int, loss: Double, segment: Int, learningRate: Double? = nil, branch: Int = 0) {
        self.step = step
        self.loss = loss
        self.segment = segment
        self.learningRate = learningRate
        self.branch = branch
    }
}

extension LossPoint {
    enum CodingKeys: String, CodingKey { case step, loss, segment, learningRate, branch }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(step: try c.decode(Int.self, forKey: .step), loss: try c.decode(Double.self, forKey: .loss),
                  segment: try c.value(.segment, or: 0), learningRate: try c.decodeIfPresent(Double.self, forKey: .learningRate),
                  branch: try c.value(.branch, or: 0))
    }

    /// Writes `branch` only for a branch's points: an unbranched run reads as before.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(step, forKey: .step)
        try c.encode(loss, forKey: .loss)
        try c.encode(segment, forKey: .segment)
        try c.encodeIfPresent(learningRate, forKey: .learningRate)
        if branch != 0 { try c.encode(branch, forKey: .branch) }
    }
}

/// The test-set evaluation at the end of an epoch.
public struct EpochResult: Sendable, Equatable, Codable {
    public var epoch: Int
    /// The step at which the epoch ended.
    public var step: Int
    /// The mean training loss over the epoch's steps.
    public var trainLoss: Double
    public var testLoss: Double
    public var testAccuracy: Double
    public var perClassAccuracy: [Double]
    /// confusion[true][predicted] counts.
    public var confusion: [[Int]]
    /// Wall-clock seconds the epoch's training steps took.
    public var seconds: Double
    /// Training samples the epoch went through (0 when unknown, as in recordings made before it was kept).
    public var samples: Int
    public init(epoch: Int, step: Int, trainLoss: Double, testLoss: Double, testAccuracy: Double,
                perClassAccuracy: [Double], confusion: [[Int]], seconds: Double, samples: Int = 0) {
        self.epoch = epoch
        self.step = step
        self.trainLoss = trainLoss
        self.testLoss = testLoss
        self.testAccuracy = testAccuracy
        self.perClassAccuracy = perClassAccuracy
        self.confusion = confusion
        self.seconds = seconds
        self.samples = samples
    }

    /// Training samples per second over the epoch (nil when samples or seconds are unknown).
    public var samplesPerSecond: Double? {
        samples > 0 && seconds > 0 ? Double(samples) / seconds : nil
    }
}

extension EpochResult {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(epoch: try c.decode(Int.self, forKey: .epoch), step: try c.decode(Int.self, forKey: .step),
                  trainLoss: try c.value(.trainLoss, or: .nan), testLoss: try c.value(.testLoss, or: .nan),
                  testAccuracy: try c.value(.testAccuracy, or: .nan), perClassAccuracy: try c.value(.perClassAccuracy, or: []),
                  confusion: try c.value(.confusion, or: []), seconds: try c.value(.seconds, or: 0),
                  samples: try c.value(.samples, or: 0))
    }
}

/// Something the user (or the trainer) changed, and when.
public struct JournalEntry: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case learningRate, hyperparameter, reinitialize, reset, load, save, diverged, pause, resume, warning
        /// A branch of the run began here (`TrainerCommand.branch`).
        case branch
    }
    public var step: Int
    public var kind: Kind
    public var text: String
    public init(step: Int, kind: Kind, text: String) {
        self.step = step
        self.kind = kind
        self.text = text
    }

    /// A one-letter tag for markers on the loss curve.
    public var tag: Character {
        switch kind {
        case .learningRate: "L"
        case .hyperparameter: "H"
        case .reinitialize: "I"
        case .reset: "R"
        case .load: "C"
        case .save: "S"
        case .diverged: "!"
        case .pause: "P"
        case .resume: ">"
        case .warning: "W"
        case .branch: "B"
        }
    }
}
