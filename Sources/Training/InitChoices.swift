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
        case "dirac": method = .dirac(groups: Int(try number("groups", 1)))
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
        self = method
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
