import NN
import Telemetry

extension InitMethod {
    /// The method as the telemetry's plain data, with every argument spelled out.
    public var choice: InitChoice {
        InitChoice(name: name, arguments: argumentList.map { InitChoice.Argument($0.name, $0.value) })
    }

    /// The method a choice from a dashboard names, with defaults for arguments it leaves out.
    public init(choice: InitChoice) throws(InitMethodError) {
        try self.init(name: choice.name, arguments: choice.arguments.map { ($0.name, $0.value) })
    }
}

extension InitSpread {
    /// The spread as the telemetry's axis mark (the one conversion between the two).
    var mark: SpreadMark {
        switch self {
        case .uniform(let bound): .uniform(low: -bound, high: bound)
        case .uniformRange(let low, let high): .uniform(low: low, high: high)
        case .normal(let mean, let std): .normal(mean: mean, std: std)
        case .truncatedNormal(let mean, let std, _, _): .normal(mean: mean, std: std)
        case .constant(let v): .constant(v)
        case .identity: .none
        }
    }
}
