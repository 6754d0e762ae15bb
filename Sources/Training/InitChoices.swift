import Foundation
import NN
import Telemetry

extension InitMethod {
    /// The method as plain data, with every argument spelled out.
    public var choice: InitChoice {
        func f(_ v: Float) -> String { "\(v)" }
        let pairs: [(String, String)] = switch self {
        case .pytorchDefault, .ones, .zeros, .eye: []
        case .uniform(let a, let b): [("a", f(a)), ("b", f(b))]
        case .normal(let mean, let std): [("mean", f(mean)), ("std", f(std))]
        case .truncNormal(let mean, let std, let a, let b): [("mean", f(mean)), ("std", f(std)), ("a", f(a)), ("b", f(b))]
        case .constant(let v): [("val", f(v))]
        case .dirac(let groups): [("groups", "\(groups)")]
        case .xavierUniform(let gain), .xavierNormal(let gain), .orthogonal(let gain): [("gain", f(gain))]
        case .kaimingUniform(let a, let mode, let nonlinearity), .kaimingNormal(let a, let mode, let nonlinearity):
            [("a", f(a)), ("mode", "'\(mode.rawValue)'"), ("nonlinearity", "'\(nonlinearity.rawValue)'")]
        case .sparse(let sparsity, let std): [("sparsity", f(sparsity)), ("std", f(std))]
        }
        return InitChoice(name: name, arguments: pairs.map { InitChoice.Argument($0.0, $0.1) })
    }

    /// The method a choice names, with defaults for arguments it leaves out.
    ///
    /// Names may be written as in PyTorch (`kaiming_uniform_`), without the underscore, or
    /// with dashes (`kaiming-uniform`). Unknown names, arguments or values throw naming them.
    public init(choice: InitChoice) throws {
        let key = choice.name.lowercased().replacingOccurrences(of: "-", with: "_")
        let name = key.hasSuffix("_") ? String(key.dropLast()) : key
        var args: [String: String] = [:]
        for argument in choice.arguments {
            args[argument.name] = argument.value.trimmingCharacters(in: CharacterSet(charactersIn: "'\" "))
        }
        func number(_ key: String, _ fallback: Float) throws -> Float {
            guard let text = args.removeValue(forKey: key) else { return fallback }
            guard let value = Float(text), value.isFinite else { throw ConfigError("--init", "\(choice.name): \(key)=\(text) is not a number") }
            return value
        }
        func count(_ key: String, _ fallback: Int) throws -> Int {
            guard let text = args.removeValue(forKey: key) else { return fallback }
            guard let value = Int(text), value >= 1 else {
                throw ConfigError("--init", "\(choice.name): \(key) must be a whole number of at least 1, got \(text)")
            }
            return value
        }
        func mode() throws -> FanMode {
            guard let text = args.removeValue(forKey: "mode") else { return .fanIn }
            guard let value = FanMode(rawValue: text) else { throw ConfigError("--init", "\(choice.name): mode must be fan_in or fan_out, got '\(text)'") }
            return value
        }
        func nonlinearity() throws -> Nonlinearity {
            guard let text = args.removeValue(forKey: "nonlinearity") else { return .leakyRelu }
            do { return try Nonlinearity(name: text) } catch { throw ConfigError("--init", "\(choice.name): \(error)") }
        }
        let method: InitMethod
        switch name {
        case "default", "pytorch", "pytorch_default": method = .pytorchDefault
        case "uniform": method = .uniform(a: try number("a", 0), b: try number("b", 1))
        case "normal": method = .normal(mean: try number("mean", 0), std: try number("std", 1))
        case "trunc_normal": method = .truncNormal(mean: try number("mean", 0), std: try number("std", 1), a: try number("a", -2), b: try number("b", 2))
        case "constant": method = .constant(try number("val", 0))
        case "ones": method = .ones
        case "zeros": method = .zeros
        case "eye": method = .eye
        case "dirac": method = .dirac(groups: try count("groups", 1))
        case "xavier_uniform": method = .xavierUniform(gain: try number("gain", 1))
        case "xavier_normal": method = .xavierNormal(gain: try number("gain", 1))
        case "kaiming_uniform": method = .kaimingUniform(a: try number("a", 0), mode: try mode(), nonlinearity: try nonlinearity())
        case "kaiming_normal": method = .kaimingNormal(a: try number("a", 0), mode: try mode(), nonlinearity: try nonlinearity())
        case "orthogonal": method = .orthogonal(gain: try number("gain", 1))
        case "sparse": method = .sparse(sparsity: try number("sparsity", 0.1), std: try number("std", 0.01))
        default:
            throw ConfigError("--init", "unknown init method '\(choice.name)'; choose one of: \(InitMethod.allWithDefaults.map(\.choice.name).joined(separator: ", "))")
        }
        if let extra = args.keys.sorted().first {
            throw ConfigError("--init", "\(choice.name) has no argument '\(extra)'")
        }
        if let problem = method.argumentProblem {
            throw ConfigError("--init", "\(choice.name): \(problem)")
        }
        self = method
    }

    /// What is wrong with the arguments (PyTorch refuses them too), or nil when they can work.
    var argumentProblem: String? {
        switch self {
        case .uniform(let a, let b) where !(a <= b):
            return "a must not be above b (got a=\(a), b=\(b))"
        case .uniform(let a, let b) where !(Double(b) - Double(a) <= Double(Float.greatestFiniteMagnitude)):
            return "the range from a=\(a) to b=\(b) is too wide for 32-bit floats"
        case .normal(_, let std) where !(std >= 0):
            return "std must be at least 0, got \(std)"
        case .truncNormal(_, let std, let a, let b) where !(std > 0) || !(a < b):
            return "needs std > 0 and a < b (a and b are absolute cut-offs), got std=\(std), a=\(a), b=\(b)"
        case .sparse(let sparsity, let std) where !(0...1).contains(sparsity) || !(std >= 0):
            return "needs sparsity in [0, 1] (the fraction of zeros per column) and std ≥ 0, got sparsity=\(sparsity), std=\(std)"
        default:
            return nil
        }
    }

    /// Why the method cannot fill a weight with `rank` dims (dirac_ needs 3 to 5, eye_ and
    /// sparse_ exactly 2), or nil when it can.
    public func rankProblem(weightRank rank: Int) -> String? {
        switch self {
        case .dirac where !(3...5).contains(rank):
            return "\(name) fills 3-, 4- or 5-D convolution weights; this model's weights have \(rank) dims (eye_ is the 2-D identity)"
        case .eye where rank != 2, .sparse where rank != 2:
            return "\(name) fills 2-D weights only; this model's weights have \(rank) dims"
        case .xavierUniform where rank < 2, .xavierNormal where rank < 2, .kaimingUniform where rank < 2,
             .kaimingNormal where rank < 2, .orthogonal where rank < 2:
            return "\(name) needs weights with 2 or more dims; this model's weights have \(rank)"
        default:
            return nil
        }
    }

    /// Whether the method can fill a 1-D tensor (a bias).
    var worksOnVectors: Bool {
        switch self {
        case .pytorchDefault, .uniform, .normal, .truncNormal, .constant, .ones, .zeros: true
        case .eye, .dirac, .xavierUniform, .xavierNormal, .kaimingUniform, .kaimingNormal, .orthogonal, .sparse: false
        }
    }
}

extension InitChoice {
    /// Parses the CLI spelling `NAME[:key=value,...]`, e.g. `normal:std=0.01` or `kaiming-uniform:nonlinearity=relu`.
    public static func parse(_ text: String) throws -> InitChoice {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard let name = parts.first, !name.isEmpty else { throw ConfigError("--init", "empty init method") }
        var arguments: [Argument] = []
        if parts.count == 2 {
            for pair in parts[1].split(separator: ",") {
                let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2, !kv[0].isEmpty else { throw ConfigError("--init", "expected key=value, got '\(pair)'") }
                arguments.append(Argument(kv[0], kv[1]))
            }
        }
        let choice = InitChoice(name: name, arguments: arguments)
        _ = try InitMethod(choice: choice)
        return choice
    }
}

extension InitSpread {
    /// The spread as the telemetry's axis mark.
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
