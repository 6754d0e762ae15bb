/// Everything a UI shows about the run at one moment: plain values, no tensors.
public struct TrainingSnapshot: Sendable, Equatable, Codable {
    public var sequence: Int
    public var state: RunState
    public var step: Int
    /// 1-based epoch currently running (or last finished).
    public var epoch: Int
    public var totalEpochs: Int
    public var stepInEpoch: Int
    public var stepsPerEpoch: Int
    public var samplesPerSecond: Double
    public var learningRate: Double
    /// e.g. `Adam(lr=0.001, betas=(0.9, 0.999), ...)`.
    public var optimizerDescription: String
    public var optimizerName: String
    public var modelDescription: String
    public var batchSize: Int
    public var initDescription: String
    public var classNames: [String]
    /// One input image's shape `[C, H, W]` (e.g. `[1, 28, 28]`); empty when the inputs are not images.
    public var imageShape: [Int]
    public var epochResults: [EpochResult]
    public var parameters: [ParameterSnapshot]
    public var batch: BatchPreview?
    public var journal: [JournalEntry]
    /// The init methods a UI may offer, each with its default arguments.
    public var initChoices: [InitChoice]
    /// How many loss points exist so far (read them through the controller's cursor).
    public var lossCount: Int
    public var seconds: Double
    /// The steps-per-second limit (`<` / `>`), nil when training runs as fast as it can.
    public var speedLimit: Double?
    /// Where a replay stands in its recording; nil for a live run.
    public var timeline: TimelinePosition?
    /// The model's buffers (batch norm's running statistics, ...), in state-dict order.
    public var buffers: [BufferSnapshot]
    /// A convolutional net's block outputs for one batch image; nil for other models.
    public var featureMaps: FeatureMaps?
    /// Training or evaluation mode, for a model with a layer that behaves differently in each
    /// (batch norm, dropout); nil when the mode changes nothing (or is unknown).
    public var modelMode: ModelMode?
    /// A branched run's branches and the one shown; nil (and not written) for a run that never branched.
    public var branching: RunBranches?
    /// The run's branches, A first; empty for a run that never branched.
    public var branches: [BranchSummary] {
        get { branching?.branches ?? [] }
        set { branching = RunBranches(branches: newValue, shown: branch) }
    }
    /// The branch this snapshot shows (and that trains): an index into `branches`.
    public var branch: Int {
        get { branching?.shown ?? 0 }
        set { branching = RunBranches(branches: branches, shown: newValue) }
    }

    public init(sequence: Int = 0, state: RunState = .loading, step: Int = 0, epoch: Int = 0, totalEpochs: Int = 0,
                stepInEpoch: Int = 0, stepsPerEpoch: Int = 0, samplesPerSecond: Double = 0, learningRate: Double = 0,
                optimizerDescription: String = "", optimizerName: String = "", modelDescription: String = "",
                batchSize: Int = 0, initDescription: String = "", classNames: [String] = [], imageShape: [Int] = [], epochResults: [EpochResult] = [],
                parameters: [ParameterSnapshot] = [], batch: BatchPreview? = nil, journal: [JournalEntry] = [],
                initChoices: [InitChoice] = [], lossCount: Int = 0, seconds: Double = 0,
                speedLimit: Double? = nil, timeline: TimelinePosition? = nil, buffers: [BufferSnapshot] = [],
                featureMaps: FeatureMaps? = nil, modelMode: ModelMode? = nil, branches: [BranchSummary] = [], branch: Int = 0) {
        self.sequence = sequence
        self.state = state
        self.step = step
        self.epoch = epoch
        self.totalEpochs = totalEpochs
        self.stepInEpoch = stepInEpoch
        self.stepsPerEpoch = stepsPerEpoch
        self.samplesPerSecond = samplesPerSecond
        self.learningRate = learningRate
        self.optimizerDescription = optimizerDescription
        self.optimizerName = optimizerName
        self.modelDescription = modelDescription
        self.batchSize = batchSize
        self.initDescription = initDescription
        self.classNames = classNames
        self.imageShape = imageShape
        self.epochResults = epochResults
        self.parameters = parameters
        self.batch = batch
        self.journal = journal
        self.initChoices = initChoices
        self.lossCount = lossCount
        self.seconds = seconds
        self.speedLimit = speedLimit
        self.timeline = timeline
        self.buffers = buffers
        self.featureMaps = featureMaps
        self.modelMode = modelMode
        branching = branches.isEmpty && branch == 0 ? nil : RunBranches(branches: branches, shown: branch)
    }

    /// How many scalars the model's parameters hold.
    /// Saturates at `Int.max` rather than trapping: a snapshot may come from a file or a peer.
    public var parameterCount: Int {
        parameters.reduce(0) { total, parameter in
            let elements = parameter.shape.reduce(1) { product, size in
                let (result, overflow) = product.multipliedReportingOverflow(by: Swift.max(size, 0))
                return overflow ? Int.max : result
            }
            let (sum, overflow) = total.addingReportingOverflow(elements)
            return overflow ? Int.max : sum
        }
    }
}

extension TrainingSnapshot {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            sequence: try c.value(.sequence, or: 0), state: try c.value(.state, or: .running), step: try c.decode(Int.self, forKey: .step),
            epoch: try c.value(.epoch, or: 0), totalEpochs: try c.value(.totalEpochs, or: 0),
            stepInEpoch: try c.value(.stepInEpoch, or: 0), stepsPerEpoch: try c.value(.stepsPerEpoch, or: 0),
            samplesPerSecond: try c.value(.samplesPerSecond, or: 0), learningRate: try c.value(.learningRate, or: 0),
            optimizerDescription: try c.value(.optimizerDescription, or: ""), optimizerName: try c.value(.optimizerName, or: ""),
            modelDescription: try c.value(.modelDescription, or: ""), batchSize: try c.value(.batchSize, or: 0),
            initDescription: try c.value(.initDescription, or: ""), classNames: try c.value(.classNames, or: []),
            imageShape: try c.value(.imageShape, or: []), epochResults: try c.value(.epochResults, or: []),
            parameters: try c.value(.parameters, or: []), batch: try c.decodeIfPresent(BatchPreview.self, forKey: .batch),
            journal: try c.value(.journal, or: []), initChoices: try c.value(.initChoices, or: []),
            lossCount: try c.value(.lossCount, or: 0), seconds: try c.value(.seconds, or: 0),
            speedLimit: try c.decodeIfPresent(Double.self, forKey: .speedLimit),
            timeline: try c.decodeIfPresent(TimelinePosition.self, forKey: .timeline),
            buffers: try c.value(.buffers, or: []), featureMaps: try c.decodeIfPresent(FeatureMaps.self, forKey: .featureMaps),
            // A mode this reader does not know (a newer writer's) reads as unknown, not as an error.
            modelMode: (try? c.decodeIfPresent(String.self, forKey: .modelMode)).flatMap { $0.flatMap(ModelMode.init(rawValue:)) },
            branches: [], branch: 0)
        branching = try c.decodeIfPresent(RunBranches.self, forKey: .branching)
    }
}

/// Where a replay stands: which snapshot of how many, and how it plays.
public struct TimelinePosition: Sendable, Equatable, Codable {
    /// 0-based index of the snapshot shown.
    public var index: Int
    /// Snapshots in the recording so far.
    public var count: Int
    public var playing: Bool
    /// Whether the file is still being written and followed (`--follow`).
    public var following: Bool
    /// Where the recording stopped being readable (a truncated or damaged file), if it did.
    public var damage: String?
    public init(index: Int, count: Int, playing: Bool, following: Bool = false, damage: String? = nil) {
        self.index = index
        self.count = count
        self.playing = playing
        self.following = following
        self.damage = damage
    }
}
