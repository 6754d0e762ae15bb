import ArgumentParser
import Telemetry
import Training

/// The model options shared by `train`, `eval`, `predict` and the dashboard.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The network: softmax (784→10), mlp (784→256→10) or mlp2 (784→256→128→10).", valueName: "name"))
    var model: String = "mlp"

    @Option(name: .long, help: ArgumentHelp("Any MLP instead of a preset: widths from 784 to 10, e.g. 784,512,256,10.", valueName: "widths"))
    var layers: String?

    @Option(name: .long, help: ArgumentHelp("The activation between --layers: relu, tanh, sigmoid or leaky-relu.", valueName: "name"))
    var activation: String = "relu"

    /// The architecture the options name.
    func preset() throws -> ModelPreset {
        guard let layers else { return try ModelPreset(name: model) }
        let widths = layers.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !widths.isEmpty, widths.allSatisfy({ $0 != nil }) else {
            throw ConfigError("--layers", "expected comma-separated widths like 784,512,256,10, got '\(layers)'")
        }
        return .layers(widths.map { $0! }, try Activation(name: activation))
    }
}

/// The training options shared by `train` and the dashboard.
struct TrainingOptions: ParsableArguments {
    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .long, help: "Passes over the training set.")
    var epochs: Int = 10

    @Option(name: .long, help: "Images per training step.")
    var batchSize: Int = 128

    @Option(name: .long, help: ArgumentHelp("sgd, adam or adamw.", valueName: "name"))
    var optimizer: String = "adam"

    @Option(name: .long, help: "The learning rate.")
    var lr: Double = 0.001

    @Option(name: .long, help: "SGD momentum.")
    var momentum: Double = 0

    @Flag(name: .long, help: "Use Nesterov momentum (SGD with --momentum).")
    var nesterov = false

    @Option(name: .long, help: "Weight decay (L2 for SGD/Adam, decoupled for AdamW; AdamW's default is 0.01).")
    var weightDecay: Double = 0

    @Option(name: .long, help: ArgumentHelp(
        "The initial nn.init method, NAME[:key=value,...], e.g. normal:std=0.01, xavier-uniform, kaiming-normal:nonlinearity=relu, orthogonal (default: PyTorch's Linear init).",
        valueName: "method"))
    var `init`: String?

    @Option(name: .long, help: "Random seed: the same seed and settings give the same loss at every step.")
    var seed: UInt64 = 0

    @Option(name: .long, help: ArgumentHelp("The Fashion-MNIST folder (default: $TENSORTOP_DATA, the Debian package, the user cache).", valueName: "path"))
    var data: String?

    @Option(name: .long, help: "OpenBLAS threads (1 cannot collapse on a busy 2-core machine; 2 can be faster when the machine is idle).")
    var threads: Int = 1

    @Flag(name: .long, help: "Compute matrix products in a fixed order: the same numbers on any CPU, thread count and build (slower).")
    var deterministic = false

    @Option(name: .long, help: "Data-loader threads preparing batches ahead.")
    var workers: Int = 1

    @Option(name: .long, help: ArgumentHelp("Train on the first N training images only.", valueName: "N"))
    var trainLimit: Int?

    @Option(name: .long, help: ArgumentHelp("Evaluate on the first N test images only.", valueName: "N"))
    var testLimit: Int?

    /// The validated configuration the options describe.
    func makeConfig() throws -> TrainingConfig {
        var config = TrainingConfig()
        config.model = try modelOptions.preset()
        config.epochs = epochs
        config.batchSize = batchSize
        config.optimizer = try OptimizerKind(name: optimizer)
        config.learningRate = lr
        config.momentum = momentum
        config.nesterov = nesterov
        config.weightDecay = weightDecay
        config.initMethod = try `init`.map(InitChoice.parse)
        config.seed = seed
        config.dataRoot = data
        config.threads = threads
        config.deterministic = deterministic
        config.dataWorkers = workers
        config.trainLimit = trainLimit
        config.testLimit = testLimit
        try config.validate()
        return config
    }
}
