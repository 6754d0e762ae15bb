import Training

/// An option that cannot work, naming its flag and what is allowed (`--lr: must be …`).
///
/// The command line's form of Training's `TrainingSettingError`, which names settings rather
/// than flags, plus the problems only the command line has (options that exclude each other).
struct ConfigError: Error, CustomStringConvertible, Equatable {
    let option: String
    let problem: String

    init(_ option: String, _ problem: String) {
        self.option = option
        self.problem = problem
    }

    /// A Training setting problem with every setting spelled as its flag.
    init(_ error: TrainingSettingError) {
        self.init(error.setting.flag, error.problem.spelled(\.flag))
    }

    var description: String { "\(option): \(problem)" }

    /// Runs `body`, turning a Training setting problem (or an init method's) into the flags' words.
    static func namingFlags<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            guard let settingError = TrainingSettingError(from: error) else { throw error }
            throw ConfigError(settingError)
        }
    }
}

extension TrainingSetting {
    /// The command-line flag that sets it.
    var flag: String {
        switch self {
        case .model: "--model"
        case .layers: "--layers"
        case .activation: "--activation"
        case .optimizer: "--optimizer"
        case .epochs: "--epochs"
        case .batchSize: "--batch-size"
        case .learningRate: "--lr"
        case .momentum: "--momentum"
        case .nesterov: "--nesterov"
        case .weightDecay: "--weight-decay"
        case .initMethod: "--init"
        case .seed: "--seed"
        case .threads: "--threads"
        case .dataWorkers: "--workers"
        case .trainLimit: "--train-limit"
        case .testLimit: "--test-limit"
        }
    }
}
