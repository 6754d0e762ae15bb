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
}

/// One training step's loss.
public struct LossPoint: Sendable, Equatable, Codable {
    public var step: Int
    public var loss: Double
    /// Increases at every reset, so a curve can start a new segment.
    public var segment: Int
    /// The learning rate the step used (nil when the source does not say).
    public var learningRate: Double?
    public init(step: Int, loss: Double, segment: Int, learningRate: Double? = nil) {
        self.step = step
        self.loss = loss
        self.segment = segment
        self.learningRate = learningRate
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
    public init(epoch: Int, step: Int, trainLoss: Double, testLoss: Double, testAccuracy: Double,
                perClassAccuracy: [Double], confusion: [[Int]], seconds: Double) {
        self.epoch = epoch
        self.step = step
        self.trainLoss = trainLoss
        self.testLoss = testLoss
        self.testAccuracy = testAccuracy
        self.perClassAccuracy = perClassAccuracy
        self.confusion = confusion
        self.seconds = seconds
    }
}

/// The theoretical spread of an initialisation, for marking a histogram axis.
public enum SpreadMark: Sendable, Equatable, Codable {
    case uniform(low: Double, high: Double)
    case normal(mean: Double, std: Double)
    case constant(Double)
    case none
}

/// A parameter's most recent (re)initialisation.
public struct InitRecord: Sendable, Equatable, Codable {
    public var method: InitChoice
    public var step: Int
    public var spread: SpreadMark
    public var before: Histogram
    public var after: Histogram
    public init(method: InitChoice, step: Int, spread: SpreadMark, before: Histogram, after: Histogram) {
        self.method = method
        self.step = step
        self.spread = spread
        self.before = before
        self.after = after
    }
}

/// Statistics of a parameter's current gradient.
public struct GradientStats: Sendable, Equatable, Codable {
    public var l2Norm: Double
    public var mean: Double
    public var std: Double
    public var maxAbs: Double
    /// The fraction of elements exactly 0.
    public var zeroFraction: Double
    /// lr · ‖g‖ / ‖w‖: how far one step moves the weights, relative to their size.
    public var updateRatio: Double
    public init(l2Norm: Double, mean: Double, std: Double, maxAbs: Double, zeroFraction: Double, updateRatio: Double) {
        self.l2Norm = l2Norm
        self.mean = mean
        self.std = std
        self.maxAbs = maxAbs
        self.zeroFraction = zeroFraction
        self.updateRatio = updateRatio
    }
}

/// One parameter as the dashboard sees it.
public struct ParameterSnapshot: Sendable, Equatable, Codable {
    /// PyTorch's dotted name, e.g. `1.weight`.
    public var name: String
    public var shape: [Int]
    public var values: Histogram
    public var initialization: InitRecord?
    public var gradient: GradientStats?
    /// The gradient printed like PyTorch (summarised), e.g. `tensor([[ 0.0012, -0.0004, ...]])`.
    public var gradientText: String
    /// For a weight whose rows each take a whole input image (a first layer `[units, C·H·W]`):
    /// the first units' rows (and gradients), row-major, drawn as images of `tileShape`; else empty.
    public var tiles: [Float]
    public var gradientTiles: [Float]
    /// The shape of one tile, `[C, H, W]` (e.g. `[1, 28, 28]`); empty when there are no tiles.
    public var tileShape: [Int]
    /// The L2 norm of the gradient at recent snapshots, oldest first.
    public var normHistory: [Double]
    public init(name: String, shape: [Int], values: Histogram, initialization: InitRecord?, gradient: GradientStats?,
                gradientText: String, tiles: [Float], gradientTiles: [Float], tileShape: [Int] = [], normHistory: [Double]) {
        self.name = name
        self.shape = shape
        self.values = values
        self.initialization = initialization
        self.gradient = gradient
        self.gradientText = gradientText
        self.tiles = tiles
        self.gradientTiles = gradientTiles
        self.tileShape = tileShape
        self.normHistory = normHistory
    }

    /// Elements in one tile (C·H·W), 0 without tiles.
    public var tileSize: Int {
        guard !tileShape.isEmpty, tileShape.allSatisfy({ (1...4096).contains($0) }) else { return 0 }
        return tileShape.reduce(1, *)  // at most 4096³: cannot overflow
    }
    /// How many whole tiles `gradientTiles` holds.
    public var gradientTileCount: Int { tileSize > 0 ? gradientTiles.count / tileSize : 0 }
}

/// The current batch, for drawing images with their labels and predictions.
public struct BatchPreview: Sendable, Equatable, Codable {
    /// 1 (grey) or 3 (RGB).
    public var channels: Int
    public var width: Int
    public var height: Int
    /// count × channels × height × width bytes (each image channel-first, like a PyTorch batch).
    public var pixels: [UInt8]
    public var labels: [Int]
    public var predictions: [Int]
    /// The predicted class's probability for each image.
    public var confidences: [Double]
    public var losses: [Double]
    public init(channels: Int = 1, width: Int, height: Int, pixels: [UInt8], labels: [Int], predictions: [Int], confidences: [Double], losses: [Double]) {
        self.channels = channels
        self.width = width
        self.height = height
        self.pixels = pixels
        self.labels = labels
        self.predictions = predictions
        self.confidences = confidences
        self.losses = losses
    }
    public var count: Int { labels.count }
    /// Bytes in one image (C·H·W).
    /// 0 when a dimension is outside 1…4096 (a snapshot may come from a file or a peer).
    public var imageSize: Int {
        guard [channels, height, width].allSatisfy({ (1...4096).contains($0) }) else { return 0 }
        return channels * height * width
    }
}

/// Something the user (or the trainer) changed, and when.
public struct JournalEntry: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case learningRate, hyperparameter, reinitialize, reset, load, save, diverged, pause, resume, warning
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
        }
    }
}

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

    public init(sequence: Int = 0, state: RunState = .loading, step: Int = 0, epoch: Int = 0, totalEpochs: Int = 0,
                stepInEpoch: Int = 0, stepsPerEpoch: Int = 0, samplesPerSecond: Double = 0, learningRate: Double = 0,
                optimizerDescription: String = "", optimizerName: String = "", modelDescription: String = "",
                batchSize: Int = 0, initDescription: String = "", classNames: [String] = [], imageShape: [Int] = [], epochResults: [EpochResult] = [],
                parameters: [ParameterSnapshot] = [], batch: BatchPreview? = nil, journal: [JournalEntry] = [],
                initChoices: [InitChoice] = [], lossCount: Int = 0, seconds: Double = 0,
                speedLimit: Double? = nil, timeline: TimelinePosition? = nil) {
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
