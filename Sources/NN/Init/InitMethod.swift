import Tensors

/// One `nn.init` method with its arguments, as a value: what the trainer applies on a
/// re-initialisation and what the dashboard shows next to the histograms.
public enum InitMethod: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// What `nn.Linear` does: kaiming_uniform_(a=√5) for weights, U(±1/√fan_in) for biases.
    case pytorchDefault
    case uniform(a: Float, b: Float)
    case normal(mean: Float, std: Float)
    case truncNormal(mean: Float, std: Float, a: Float, b: Float)
    case constant(Float)
    case ones
    case zeros
    case eye
    case dirac(groups: Int)
    case xavierUniform(gain: Float)
    case xavierNormal(gain: Float)
    case kaimingUniform(a: Float, mode: FanMode, nonlinearity: Nonlinearity)
    case kaimingNormal(a: Float, mode: FanMode, nonlinearity: Nonlinearity)
    case orthogonal(gain: Float)
    case sparse(sparsity: Float, std: Float)

    /// Every method with PyTorch's default arguments (what a menu offers first).
    public static let allWithDefaults: [InitMethod] = [
        .pytorchDefault, .uniform(a: 0, b: 1), .normal(mean: 0, std: 1), .truncNormal(mean: 0, std: 1, a: -2, b: 2),
        .constant(0), .ones, .zeros, .eye, .dirac(groups: 1), .xavierUniform(gain: 1), .xavierNormal(gain: 1),
        .kaimingUniform(a: 0, mode: .fanIn, nonlinearity: .leakyRelu),
        .kaimingNormal(a: 0, mode: .fanIn, nonlinearity: .leakyRelu), .orthogonal(gain: 1), .sparse(sparsity: 0.1, std: 0.01),
    ]

    /// PyTorch's function name, e.g. `kaiming_uniform_`.
    public var name: String {
        switch self {
        case .pytorchDefault: "default"
        case .uniform: "uniform_"
        case .normal: "normal_"
        case .truncNormal: "trunc_normal_"
        case .constant: "constant_"
        case .ones: "ones_"
        case .zeros: "zeros_"
        case .eye: "eye_"
        case .dirac: "dirac_"
        case .xavierUniform: "xavier_uniform_"
        case .xavierNormal: "xavier_normal_"
        case .kaimingUniform: "kaiming_uniform_"
        case .kaimingNormal: "kaiming_normal_"
        case .orthogonal: "orthogonal_"
        case .sparse: "sparse_"
        }
    }

    /// The arguments as PyTorch's keywords with their values written as in Python, e.g.
    /// `[("a", "0.0"), ("mode", "'fan_in'")]`: the one rendering that `arguments`, the
    /// description and the telemetry's `InitChoice` are made from.
    public var argumentList: [(name: String, value: String)] {
        func f(_ v: Float) -> String { "\(v)" }
        switch self {
        case .pytorchDefault, .ones, .zeros, .eye: return []
        case .uniform(let a, let b): return [("a", f(a)), ("b", f(b))]
        case .normal(let mean, let std): return [("mean", f(mean)), ("std", f(std))]
        case .truncNormal(let mean, let std, let a, let b): return [("mean", f(mean)), ("std", f(std)), ("a", f(a)), ("b", f(b))]
        case .constant(let v): return [("val", f(v))]
        case .dirac(let groups): return [("groups", "\(groups)")]
        case .xavierUniform(let gain), .xavierNormal(let gain), .orthogonal(let gain): return [("gain", f(gain))]
        case .kaimingUniform(let a, let mode, let nonlinearity), .kaimingNormal(let a, let mode, let nonlinearity):
            return [("a", f(a)), ("mode", "'\(mode.rawValue)'"), ("nonlinearity", "'\(nonlinearity.rawValue)'")]
        case .sparse(let sparsity, let std): return [("sparsity", f(sparsity)), ("std", f(std))]
        }
    }

    /// The arguments as PyTorch's keyword syntax, e.g. `a=0.0, mode='fan_in', nonlinearity='leaky_relu'`.
    public var arguments: String { argumentList.map { "\($0.name)=\($0.value)" }.joined(separator: ", ") }

    /// `name(arguments)`, e.g. `normal_(mean=0.0, std=0.01)`.
    public var description: String { "\(name)(\(arguments))" }

    /// Fills `tensor` in place. `fanIn` is the owning layer's fan-in, which `pytorchDefault`
    /// needs for a bias (1-D); other methods ignore it. Throws for shapes the method rejects.
    public func apply(to tensor: Tensor, fanIn: Int? = nil, generator: Generator? = nil) throws {
        switch self {
        case .pytorchDefault:
            if tensor.rank >= 2 {
                try Init.kaimingUniform_(tensor, a: Init.linearDefaultSlope, generator: generator)
            } else {
                guard let fanIn else { throw InitError("the default initialisation of a 1-D tensor needs its layer's fan-in") }
                let bound = Float(Init.linearBiasBound(fanIn: fanIn))
                tensor.uniform_(-bound, bound, generator: generator)
            }
        case .uniform(let a, let b): Init.uniform_(tensor, a: a, b: b, generator: generator)
        case .normal(let mean, let std): Init.normal_(tensor, mean: mean, std: std, generator: generator)
        case .truncNormal(let mean, let std, let a, let b): try Init.truncNormal_(tensor, mean: mean, std: std, a: a, b: b, generator: generator)
        case .constant(let v): Init.constant_(tensor, v)
        case .ones: Init.ones_(tensor)
        case .zeros: Init.zeros_(tensor)
        case .eye: try Init.eye_(tensor)
        case .dirac(let groups): try Init.dirac_(tensor, groups: groups)
        case .xavierUniform(let gain): try Init.xavierUniform_(tensor, gain: Double(gain), generator: generator)
        case .xavierNormal(let gain): try Init.xavierNormal_(tensor, gain: Double(gain), generator: generator)
        case .kaimingUniform(let a, let mode, let nonlinearity):
            try Init.kaimingUniform_(tensor, a: Double(a), mode: mode, nonlinearity: nonlinearity, generator: generator)
        case .kaimingNormal(let a, let mode, let nonlinearity):
            try Init.kaimingNormal_(tensor, a: Double(a), mode: mode, nonlinearity: nonlinearity, generator: generator)
        case .orthogonal(let gain): try Init.orthogonal_(tensor, gain: gain, generator: generator)
        case .sparse(let sparsity, let std): try Init.sparse_(tensor, sparsity: sparsity, std: std, generator: generator)
        }
    }

    /// The distribution the method draws from for a tensor of `shape`, where it has one
    /// (the bound of a uniform, the std of a normal, the value of a constant).
    public func spread(for shape: [Int], fanIn: Int? = nil) throws -> InitSpread {
        switch self {
        case .pytorchDefault:
            if shape.count >= 2 {
                return .uniform(bound: 3.0.squareRoot() * (try Init.kaimingStd(shape: shape, a: Init.linearDefaultSlope)))
            }
            guard let fanIn else { throw InitError("the default initialisation of a 1-D tensor needs its layer's fan-in") }
            return .uniform(bound: Init.linearBiasBound(fanIn: fanIn))
        case .uniform(let a, let b): return .uniformRange(low: Double(a), high: Double(b))
        case .normal(let mean, let std): return .normal(mean: Double(mean), std: Double(std))
        case .truncNormal(let mean, let std, let a, let b): return .truncatedNormal(mean: Double(mean), std: Double(std), low: Double(a), high: Double(b))
        case .constant(let v): return .constant(Double(v))
        case .ones: return .constant(1)
        case .zeros: return .constant(0)
        case .eye, .dirac: return .identity
        case .xavierUniform(let gain): return .uniform(bound: 3.0.squareRoot() * (try Init.xavierStd(shape: shape, gain: Double(gain))))
        case .xavierNormal(let gain): return .normal(mean: 0, std: try Init.xavierStd(shape: shape, gain: Double(gain)))
        case .kaimingUniform(let a, let mode, let nonlinearity):
            return .uniform(bound: 3.0.squareRoot() * (try Init.kaimingStd(shape: shape, a: Double(a), mode: mode, nonlinearity: nonlinearity)))
        case .kaimingNormal(let a, let mode, let nonlinearity):
            return .normal(mean: 0, std: try Init.kaimingStd(shape: shape, a: Double(a), mode: mode, nonlinearity: nonlinearity))
        case .orthogonal(let gain):
            // Rows (or columns) of unit length: each element has std gain/√(larger side).
            let rows = shape.first ?? 1, cols = shape.dropFirst().reduce(1, *)
            return .normal(mean: 0, std: Double(gain) / Double(max(rows, cols)).squareRoot())
        case .sparse(_, let std): return .normal(mean: 0, std: Double(std))
        }
    }
}

/// The theoretical distribution of an initialisation, for drawing on a histogram's axis.
public enum InitSpread: Sendable, Equatable {
    /// U(−bound, bound).
    case uniform(bound: Double)
    /// U(low, high).
    case uniformRange(low: Double, high: Double)
    /// N(mean, std²).
    case normal(mean: Double, std: Double)
    /// N(mean, std²) cut to [low, high].
    case truncatedNormal(mean: Double, std: Double, low: Double, high: Double)
    /// Every element equal.
    case constant(Double)
    /// An identity pattern (eye_, dirac_): ones and zeros.
    case identity
}
