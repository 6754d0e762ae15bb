import Tensors

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
    case conv2d(inChannels: Int, outChannels: Int, kernelSize: Pair2d, stride: Pair2d, padding: Conv2dPadding,
                dilation: Pair2d, groups: Int, bias: Bool, paddingMode: Conv2dPaddingMode)
    case maxPool2d(kernelSize: PoolSize, stride: PoolSize, padding: PoolSize, dilation: PoolSize, ceilMode: Bool)
    case avgPool2d(kernelSize: PoolSize, stride: PoolSize, padding: PoolSize, ceilMode: Bool, countIncludePad: Bool,
                   divisorOverride: Int?)
    case adaptiveAvgPool2d(outputSize: AdaptivePoolSize)
    case adaptiveMaxPool2d(outputSize: AdaptivePoolSize)
    case batchNorm1d(settings: BatchNormSettings)
    case batchNorm2d(settings: BatchNormSettings)

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
        case let m as Conv2d:
            self = .conv2d(inChannels: m.inChannels, outChannels: m.outChannels, kernelSize: m.kernelSize, stride: m.stride,
                           padding: m.padding, dilation: m.dilation, groups: m.groups, bias: m.bias != nil, paddingMode: m.paddingMode)
        case let m as MaxPool2d:
            self = .maxPool2d(kernelSize: m.kernelSize, stride: m.stride, padding: m.padding, dilation: m.dilation, ceilMode: m.ceilMode)
        case let m as AvgPool2d:
            self = .avgPool2d(kernelSize: m.kernelSize, stride: m.stride, padding: m.padding, ceilMode: m.ceilMode,
                              countIncludePad: m.countIncludePad, divisorOverride: m.divisorOverride)
        case let m as AdaptiveAvgPool2d: self = .adaptiveAvgPool2d(outputSize: m.outputSize)
        case let m as AdaptiveMaxPool2d: self = .adaptiveMaxPool2d(outputSize: m.outputSize)
        case let m as BatchNorm1d: self = .batchNorm1d(settings: BatchNormSettings(describing: m))
        case let m as BatchNorm2d: self = .batchNorm2d(settings: BatchNormSettings(describing: m))
        default:
            throw ModuleSpecError("\(module.typeName) is a custom module, so its architecture cannot be saved as data; save its state dict instead and rebuild the model in code")
        }
    }

    /// Builds a fresh module (with PyTorch's default initialisation) from the description.
    ///
    /// A description read from a file must pass `validate()` first: settings a layer refuses
    /// (a kernel of 0, channels that groups do not divide) stop here.
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
        case let .conv2d(inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias, paddingMode):
            Self.built {
                try Conv2d(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding,
                           dilation: dilation, groups: groups, bias: bias, paddingMode: paddingMode)
            }
        case let .maxPool2d(kernelSize, stride, padding, dilation, ceilMode):
            MaxPool2d(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
        case let .avgPool2d(kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride):
            AvgPool2d(kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                      countIncludePad: countIncludePad, divisorOverride: divisorOverride)
        case .adaptiveAvgPool2d(let outputSize): AdaptiveAvgPool2d(outputSize)
        case .adaptiveMaxPool2d(let outputSize): AdaptiveMaxPool2d(outputSize)
        case .batchNorm1d(let s):
            BatchNorm1d(s.numFeatures, eps: s.eps, momentum: s.momentum, affine: s.affine, trackRunningStats: s.trackRunningStats, bias: s.bias)
        case .batchNorm2d(let s):
            BatchNorm2d(s.numFeatures, eps: s.eps, momentum: s.momentum, affine: s.affine, trackRunningStats: s.trackRunningStats, bias: s.bias)
        }
    }

    /// The module `make` builds; a refusal means the description skipped `validate()`.
    private static func built(_ make: () throws -> Module) -> Module {
        do {
            return try make()
        } catch {
            preconditionFailure("a module description must pass validate() before makeModule(): \(error)")
        }
    }
}

/// A batch-norm layer's settings (`BatchNorm1d` and `BatchNorm2d` take the same).
public struct BatchNormSettings: Codable, Equatable, Sendable {
    public var numFeatures: Int
    public var eps: Double = 1e-5
    /// nil: a cumulative average.
    public var momentum: Double? = 0.1
    public var affine = true
    public var trackRunningStats = true
    public var bias = true

    public init(numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true, bias: Bool = true) {
        (self.numFeatures, self.eps, self.momentum) = (numFeatures, eps, momentum)
        (self.affine, self.trackRunningStats, self.bias) = (affine, trackRunningStats, bias)
    }

    /// The settings of an existing layer.
    public init(describing layer: BatchNormBase) {
        self.init(numFeatures: layer.numFeatures, eps: layer.eps, momentum: layer.momentum, affine: layer.affine,
                  trackRunningStats: layer.trackRunningStats, bias: layer.bias != nil || !layer.affine)
    }
}

extension ModuleSpec {
    /// `Conv2d(inChannels, outChannels, kernel, padding:)` with PyTorch's other defaults.
    public static func convolution(_ inChannels: Int, _ outChannels: Int, kernel: Int, padding: Int = 0) -> ModuleSpec {
        .conv2d(inChannels: inChannels, outChannels: outChannels, kernelSize: Pair2d(kernel), stride: 1,
                padding: .explicit(Pair2d(padding)), dilation: 1, groups: 1, bias: true, paddingMode: .zeros)
    }

    /// `MaxPool2d(kernel)`: stride = kernel, no padding.
    public static func maxPooling(_ kernel: Int) -> ModuleSpec {
        .maxPool2d(kernelSize: .square(kernel), stride: .square(kernel), padding: 0, dilation: 1, ceilMode: false)
    }
}

/// A module that cannot be described as data.
public struct ModuleSpecError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
