import Foundation

/// Why a written init method (`normal:std=0.01`, or a name with arguments) is not one we can apply.
///
/// Each case names the method as it was written and the argument at fault; none names a
/// command-line flag (a CLI adds its own, e.g. `--init: …`).
public enum InitMethodError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    /// An argument not written `key=value`.
    case malformedArgument(String)
    case unknownMethod(String, known: [String])
    case unknownArgument(method: String, argument: String)
    case notANumber(method: String, argument: String, text: String)
    case notACount(method: String, argument: String, text: String)
    case unknownMode(method: String, text: String)
    case unknownNonlinearity(method: String, text: String)
    /// Arguments that PyTorch refuses too (a > b, a negative std, ...).
    case impossibleArguments(method: String, problem: String)
    /// The method cannot fill weights of the model's rank (see `rankProblem(weightRank:)`).
    case unfitWeights(String)

    public var description: String {
        switch self {
        case .empty: "empty init method"
        case .malformedArgument(let text): "expected key=value, got '\(text)'"
        case .unknownMethod(let name, let known): "unknown init method '\(name)'; choose one of: \(known.joined(separator: ", "))"
        case .unknownArgument(let method, let argument): "\(method) has no argument '\(argument)'"
        case .notANumber(let method, let argument, let text): "\(method): \(argument)=\(text) is not a number"
        case .notACount(let method, let argument, let text): "\(method): \(argument) must be a whole number of at least 1, got \(text)"
        case .unknownMode(let method, let text): "\(method): mode must be fan_in or fan_out, got '\(text)'"
        case .unknownNonlinearity(let method, let text):
            "\(method): Unsupported nonlinearity \(text); use one of: \(Nonlinearity.allCases.map(\.rawValue).joined(separator: ", "))"
        case .impossibleArguments(let method, let problem): "\(method): \(problem)"
        case .unfitWeights(let problem): problem
        }
    }
}

extension InitMethod {
    /// Parses the command-line spelling `NAME[:key=value,...]`, e.g. `normal:std=0.01` or
    /// `kaiming-uniform:nonlinearity=relu`.
    public init(spelling text: String) throws(InitMethodError) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard let name = parts.first, !name.isEmpty else { throw .empty }
        var arguments: [(name: String, value: String)] = []
        if parts.count == 2 {
            for pair in parts[1].split(separator: ",") {
                let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2, !kv[0].isEmpty else { throw .malformedArgument(String(pair)) }
                arguments.append((kv[0], kv[1]))
            }
        }
        try self.init(name: name, arguments: arguments)
    }

    /// The method `name` names, with `arguments` (PyTorch's keywords) and defaults for those left out.
    ///
    /// Names may be written as in PyTorch (`kaiming_uniform_`), without the underscore, or
    /// with dashes (`kaiming-uniform`); values may be quoted (`mode='fan_out'`). Unknown names,
    /// arguments or values, and arguments PyTorch refuses, throw naming them.
    public init(name written: String, arguments: [(name: String, value: String)]) throws(InitMethodError) {
        let key = written.lowercased().replacingOccurrences(of: "-", with: "_")
        let name = key.hasSuffix("_") ? String(key.dropLast()) : key
        var args: [String: String] = [:]
        for argument in arguments {
            args[argument.name] = argument.value.trimmingCharacters(in: CharacterSet(charactersIn: "'\" "))
        }
        func number(_ key: String, _ fallback: Float) throws(InitMethodError) -> Float {
            guard let text = args.removeValue(forKey: key) else { return fallback }
            guard let value = Float(text), value.isFinite else { throw .notANumber(method: written, argument: key, text: text) }
            return value
        }
        func count(_ key: String, _ fallback: Int) throws(InitMethodError) -> Int {
            guard let text = args.removeValue(forKey: key) else { return fallback }
            guard let value = Int(text), value >= 1 else { throw .notACount(method: written, argument: key, text: text) }
            return value
        }
        func mode() throws(InitMethodError) -> FanMode {
            guard let text = args.removeValue(forKey: "mode") else { return .fanIn }
            guard let value = FanMode(rawValue: text) else { throw .unknownMode(method: written, text: text) }
            return value
        }
        func nonlinearity() throws(InitMethodError) -> Nonlinearity {
            guard let text = args.removeValue(forKey: "nonlinearity") else { return .leakyRelu }
            guard let value = Nonlinearity(rawValue: text) else { throw .unknownNonlinearity(method: written, text: text) }
            return value
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
        default: throw .unknownMethod(written, known: InitMethod.allWithDefaults.map(\.name))
        }
        if let extra = args.keys.sorted().first { throw .unknownArgument(method: written, argument: extra) }
        if let problem = method.argumentProblem { throw .impossibleArguments(method: written, problem: problem) }
        self = method
    }

    /// What is wrong with the arguments (PyTorch refuses them too), or nil when they can work.
    public var argumentProblem: String? {
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
            return "\(name) fills 3-, 4- or 5-D convolution weights; this model has \(rank)-D weights (eye_ is the 2-D identity)"
        case .eye where rank != 2, .sparse where rank != 2:
            return "\(name) fills 2-D weights only; this model has \(rank)-D weights"
        case .xavierUniform where rank < 2, .xavierNormal where rank < 2, .kaimingUniform where rank < 2,
             .kaimingNormal where rank < 2, .orthogonal where rank < 2:
            return "\(name) needs weights with 2 or more dims; this model has \(rank)-D weights"
        default:
            return nil
        }
    }

    /// Whether the method can fill a 1-D tensor (a bias); those that cannot set biases to zero
    /// when a whole model is re-initialised.
    public var worksOnVectors: Bool {
        switch self {
        case .pytorchDefault, .uniform, .normal, .truncNormal, .constant, .ones, .zeros: true
        case .eye, .dirac, .xavierUniform, .xavierNormal, .kaimingUniform, .kaimingNormal, .orthogonal, .sparse: false
        }
    }
}
