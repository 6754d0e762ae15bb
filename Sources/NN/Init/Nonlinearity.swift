/// The nonlinearity an initialisation compensates for, as named by `nn.init.calculate_gain`.
public enum Nonlinearity: String, Sendable, CaseIterable, Codable {
    case linear
    case conv1d
    case conv2d
    case conv3d
    case convTranspose1d = "conv_transpose1d"
    case convTranspose2d = "conv_transpose2d"
    case convTranspose3d = "conv_transpose3d"
    case sigmoid
    case tanh
    case relu
    case leakyRelu = "leaky_relu"
    case selu

    /// The recommended gain, PyTorch's `calculate_gain(nonlinearity, param)`.
    ///
    /// linear, conv*, sigmoid: 1 · tanh: 5/3 · relu: √2 · leaky_relu: √(2 / (1 + slope²)),
    /// with slope `param` (0.01 when nil) · selu: 3/4.
    public func gain(param: Double? = nil) -> Double {
        switch self {
        case .linear, .conv1d, .conv2d, .conv3d, .convTranspose1d, .convTranspose2d, .convTranspose3d, .sigmoid:
            return 1
        case .tanh: return 5.0 / 3
        case .relu: return 2.0.squareRoot()
        case .leakyRelu:
            let slope = param ?? 0.01
            return (2.0 / (1 + slope * slope)).squareRoot()
        case .selu: return 3.0 / 4
        }
    }

    /// Parses PyTorch's spelling (`"leaky_relu"`), or throws listing the allowed names.
    public init(name: String) throws {
        guard let value = Nonlinearity(rawValue: name) else {
            throw InitError("Unsupported nonlinearity \(name); use one of: \(Nonlinearity.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = value
    }
}

/// Which fan the Kaiming initialisers preserve the variance of.
public enum FanMode: String, Sendable, CaseIterable, Codable {
    /// Preserves the variance of activations in the forward pass.
    case fanIn = "fan_in"
    /// Preserves the variance of gradients in the backward pass.
    case fanOut = "fan_out"
}

/// A bad argument to an `nn.init` function, with PyTorch's wording where it has one.
public struct InitError: Error, Equatable, CustomStringConvertible, Sendable {
    /// What is wrong and what would be allowed.
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
