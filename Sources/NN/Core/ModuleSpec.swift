/// A module tree described as data: what a whole-model file stores so the model can be
/// rebuilt without the Swift code that defined it (the built-in layer types only).
public indirect enum ModuleSpec: Codable, Equatable, Sendable {
    case sequential([ModuleSpec])
    case linear(inFeatures: Int, outFeatures: Int, bias: Bool)
    case flatten(startDim: Int, endDim: Int)
    case relu
    case leakyRelu(negativeSlope: Float)
    case tanh
    case sigmoid
    case softmax(dim: Int)
    case dropout(p: Float)
    case identity

    /// Describes `module`, or throws for a type that is not a built-in layer (a custom
    /// `Module` subclass has code in `forward` that data cannot hold).
    public init(describing module: Module) throws {
        switch module {
        case let m as Sequential: self = .sequential(try m.layers.map(ModuleSpec.init(describing:)))
        case let m as Linear: self = .linear(inFeatures: m.inFeatures, outFeatures: m.outFeatures, bias: m.bias != nil)
        case let m as Flatten: self = .flatten(startDim: m.startDim, endDim: m.endDim)
        case is ReLU: self = .relu
        case let m as LeakyReLU: self = .leakyRelu(negativeSlope: m.negativeSlope)
        case is Tanh: self = .tanh
        case is Sigmoid: self = .sigmoid
        case let m as Softmax: self = .softmax(dim: m.dim)
        case let m as Dropout: self = .dropout(p: m.p)
        case is Identity: self = .identity
        default:
            throw ModuleSpecError("\(module.typeName) is a custom module, so its architecture cannot be saved as data; save its state dict instead and rebuild the model in code")
        }
    }

    /// Builds a fresh module (with PyTorch's default initialisation) from the description.
    public func makeModule() -> Module {
        switch self {
        case .sequential(let layers): Sequential(layers.map { $0.makeModule() })
        case .linear(let inFeatures, let outFeatures, let bias): Linear(inFeatures, outFeatures, bias: bias)
        case .flatten(let startDim, let endDim): Flatten(startDim: startDim, endDim: endDim)
        case .relu: ReLU()
        case .leakyRelu(let slope): LeakyReLU(negativeSlope: slope)
        case .tanh: Tanh()
        case .sigmoid: Sigmoid()
        case .softmax(let dim): Softmax(dim: dim)
        case .dropout(let p): Dropout(p: p)
        case .identity: Identity()
        }
    }
}

/// A module that cannot be described as data.
public struct ModuleSpecError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
