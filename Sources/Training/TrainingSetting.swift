import NN

/// A setting of a training run, named by what it is rather than by how a front end spells it.
///
/// The command line writes `learningRate` as `--lr`, a demo script as `lr`; each front end maps
/// these cases to its own spelling, so Training's errors name no flag or script key.
public enum TrainingSetting: String, Sendable, CaseIterable {
    /// A preset model by name.
    case model
    /// Any MLP's layer widths.
    case layers
    /// The nonlinearity between `layers`.
    case activation
    case optimizer
    case epochs
    case batchSize
    case learningRate
    case momentum
    case nesterov
    case weightDecay
    case initMethod
    case seed
    case threads
    case dataWorkers
    case trainLimit
    case testLimit

    /// The setting in plain words, for messages of no particular front end.
    public var name: String {
        switch self {
        case .batchSize: "batch size"
        case .learningRate: "learning rate"
        case .weightDecay: "weight decay"
        case .initMethod: "init"
        case .dataWorkers: "data workers"
        case .trainLimit: "train limit"
        case .testLimit: "test limit"
        default: rawValue
        }
    }
}

/// What is wrong with a setting, in words that may mention settings; each mention is spelled
/// by whoever shows the text (`"needs \(setting: .optimizer) sgd"`).
public struct SettingText: Sendable, Equatable, ExpressibleByStringInterpolation {
    /// Literal text, or a setting to be spelled by the front end.
    enum Piece: Sendable, Equatable {
        case text(String)
        case setting(TrainingSetting)
    }

    let pieces: [Piece]

    public init(stringLiteral value: String) {
        pieces = [.text(value)]
    }

    public init(stringInterpolation: StringInterpolation) {
        pieces = stringInterpolation.pieces
    }

    /// The text with each mentioned setting spelled by `spelling`.
    public func spelled(_ spelling: (TrainingSetting) -> String) -> String {
        pieces.map { piece in
            switch piece {
            case .text(let text): text
            case .setting(let setting): spelling(setting)
            }
        }.joined()
    }

    /// Builds a `SettingText` from a string literal with `\(setting:)` and ordinary interpolations.
    public struct StringInterpolation: StringInterpolationProtocol {
        var pieces: [Piece] = []

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) {
            append(literal)
        }

        /// A mention of another setting, spelled when the text is shown.
        public mutating func appendInterpolation(setting: TrainingSetting) {
            pieces.append(.setting(setting))
        }

        /// Another setting text, its mentions kept for spelling.
        public mutating func appendInterpolation(_ text: SettingText) {
            for piece in text.pieces {
                switch piece {
                case .text(let text): append(text)
                case .setting(let setting): pieces.append(.setting(setting))
                }
            }
        }

        /// Any value, as a plain string interpolation would write it.
        public mutating func appendInterpolation<T>(_ value: T) {
            append(String(describing: value))
        }

        /// Adds text to the last piece when it is text, so equal messages have equal pieces.
        private mutating func append(_ text: String) {
            guard !text.isEmpty else { return }
            if case .text(let last) = pieces.last {
                pieces[pieces.count - 1] = .text(last + text)
            } else {
                pieces.append(.text(text))
            }
        }
    }
}

/// A training setting that cannot work: which one, and why.
///
/// Thrown by `TrainingConfig.validate()` and the parsers of model, activation and optimizer
/// names; a front end shows it with its own spelling of the settings (`message(spelling:)`).
public struct TrainingSettingError: Error, Equatable, Sendable, CustomStringConvertible {
    public let setting: TrainingSetting
    public let problem: SettingText

    public init(_ setting: TrainingSetting, _ problem: SettingText) {
        self.setting = setting
        self.problem = problem
    }

    /// An init method that cannot work, as a problem of the `initMethod` setting.
    public init(_ error: InitMethodError) {
        self.init(.initMethod, "\(error.description)")
    }

    /// `error` as a setting problem: itself, or an `InitMethodError` as one of `initMethod`;
    /// nil for any other error.
    public init?(from error: any Error) {
        switch error {
        case let error as TrainingSettingError: self = error
        case let error as InitMethodError: self.init(error)
        default: return nil
        }
    }

    /// `setting: problem`, every setting spelled by `spelling`.
    public func message(spelling: (TrainingSetting) -> String) -> String {
        "\(spelling(setting)): \(problem.spelled(spelling))"
    }

    /// The message with settings in plain words (`learning rate: must be …`).
    public var description: String { message(spelling: \.name) }
}
