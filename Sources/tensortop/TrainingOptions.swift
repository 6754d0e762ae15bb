import ArgumentParser
import NN
import Telemetry
import Training

/// The model options shared by `train`, `eval`, `predict` and the dashboard.
///
/// Left out, they mean `--model mlp`; options that would be ignored (`--activation` with a
/// preset, `--model` beside `--layers`) are refused rather than dropped silently.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The network: softmax (784→10), mlp (784→256→10, the default), mlp2 (784→256→128→10), cnn (two 5×5 conv blocks with BatchNorm, 16 and 32 channels) or lenet (LeNet-5 with ReLU).", valueName: "name"))
    var model: String?

    @Option(name: .long, help: ArgumentHelp("Any MLP instead of a preset: widths from 784 to 10, e.g. 784,512,256,10.", valueName: "widths"))
    var layers: String?

    @Option(name: .long, help: ArgumentHelp("The activation between --layers (only with --layers): relu (default), tanh, sigmoid or leaky-relu.", valueName: "name"))
    var activation: String?

    /// The architecture the options name, checked (`ModelPreset.validate()`) before any command
    /// builds it; a `ConfigError` naming the flag at fault when they name none that works.
    func preset() throws -> ModelPreset {
        let preset = try parsedPreset()
        try ConfigError.namingFlags { try preset.validate() }
        return preset
    }

    private func parsedPreset() throws -> ModelPreset {
        guard let layers else {
            if let activation {
                throw ConfigError("--activation", "applies only with --layers (the presets use ReLU); got --activation \(activation) without --layers")
            }
            return try ConfigError.namingFlags { try ModelPreset(name: model ?? "mlp") }
        }
        if let model {
            throw ConfigError("--model", "--model \(model) and --layers \(layers) both name the network; give only one of them")
        }
        return try ConfigError.namingFlags {
            try ModelPreset(layers: layers, activation: try Activation(name: activation ?? Activation.relu.rawValue))
        }
    }

    /// Whether the user named an architecture (any of --model, --layers, --activation).
    var isGiven: Bool { model != nil || layers != nil || activation != nil }

    /// The flag that names the architecture (`--layers` or `--model`), for messages.
    var flag: String { layers == nil ? "--model" : "--layers" }

    /// The value of `flag` as the user wrote it (`mlp` when left out).
    var value: String { layers ?? model ?? "mlp" }

    /// The architecture as the user wrote it, for messages.
    var written: String {
        if let layers { return "--layers \(layers)" + (activation.map { " --activation \($0)" } ?? "") }
        return "--model \(model ?? "mlp")"
    }
}

/// The training options shared by `train` and the dashboard.
///
/// Numeric options take the next word as their value even when it starts with a dash
/// (`parsing: .unconditional`), so `--lr -1` is refused for being negative rather than
/// reported as a missing value.
struct TrainingOptions: ParsableArguments {
    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .long, parsing: .unconditional, help: "Passes over the training set.")
    var epochs: Int = 10

    @Option(name: .long, parsing: .unconditional, help: "Images per training step.")
    var batchSize: Int = 128

    @Option(name: .long, help: ArgumentHelp("sgd, adam or adamw.", valueName: "name"))
    var optimizer: String = "adam"

    @Option(name: .long, parsing: .unconditional, help: "The learning rate.")
    var lr: Double = 0.001

    @Option(name: .long, parsing: .unconditional, help: "SGD momentum.")
    var momentum: Double = 0

    @Flag(name: .long, help: "Use Nesterov momentum (SGD with --momentum).")
    var nesterov = false

    @Option(name: .long, parsing: .unconditional, help: "Weight decay (L2 for SGD/Adam, decoupled for AdamW; AdamW's default is 0.01).")
    var weightDecay: Double = 0

    @Option(name: .long, help: ArgumentHelp(
        "The initial nn.init method, NAME[:key=value,...], e.g. normal:std=0.01, xavier-uniform, kaiming-normal:nonlinearity=relu, orthogonal (default: PyTorch's Linear init).",
        valueName: "method"))
    var `init`: String?

    @Option(name: .long, parsing: .unconditional, help: "Random seed, a whole number from 0 to 18446744073709551615: the same seed and settings give the same loss at every step.")
    var seed: UInt64 = 0

    @Option(name: .long, help: ArgumentHelp("The Fashion-MNIST folder (default: $TENSORTOP_DATA if set, else the Debian package, then the user cache).", valueName: "path"))
    var data: String?

    @Option(name: .long, parsing: .unconditional, help: "Threads sharing each training step (the trainer and N−1 helpers). 2 is faster on an idle 2-core machine; next to a busy process it does about as well as 1.")
    var threads: Int = 1

    @Flag(name: .long, help: "Compute matrix products in a fixed order: the same numbers on any CPU, thread count and build (slower).")
    var deterministic = false

    @Option(name: .long, parsing: .unconditional, help: "Data-loader threads preparing batches ahead (default: 1 with --threads 1; 0 with more, when the batch is made between steps by the training threads).")
    var workers: Int?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Train on the first N training images only.", valueName: "N"))
    var trainLimit: Int?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Evaluate on the first N test images only.", valueName: "N"))
    var testLimit: Int?

    /// The validated configuration the options describe; a setting that cannot work is a
    /// `ConfigError` naming its flag (Training's errors name settings, not flags).
    func makeConfig() throws -> TrainingConfig {
        let model = try modelOptions.preset()
        return try ConfigError.namingFlags { try makeConfig(model: model) }
    }

    private func makeConfig(model: ModelPreset) throws -> TrainingConfig {
        var config = TrainingConfig()
        config.model = model
        config.epochs = epochs
        config.batchSize = batchSize
        config.optimizer = try OptimizerKind(name: optimizer)
        config.learningRate = lr
        config.momentum = momentum
        config.nesterov = nesterov
        config.weightDecay = weightDecay
        config.initMethod = try `init`.map(InitMethod.init(spelling:))
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
