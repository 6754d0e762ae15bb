import Tensors

/// The checks, parameter counts and output shapes of the convolution, pooling and
/// batch-norm layers, for `ModuleSpec.validate()` and `outputShape(forInput:)`.
extension ModuleSpec {
    /// The largest kernel, stride, padding, dilation or output size a description may hold:
    /// far beyond any real layer, small enough that no size arithmetic can overflow.
    static let largestSpatialSize = 1 << 20

    /// The parameter count of a spatial layer, or nil if it overflows `Int`.
    var spatialParameterCount: Int? {
        switch self {
        case let .conv2d(inChannels, outChannels, kernelSize, _, _, _, groups, bias, _):
            guard groups > 0 else { return 0 }
            var count = outChannels
            for factor in [inChannels / groups, kernelSize.height, kernelSize.width] {
                guard case let (product, false) = count.multipliedReportingOverflow(by: factor) else { return nil }
                count = product
            }
            guard case let (total, false) = count.addingReportingOverflow(bias ? outChannels : 0) else { return nil }
            return total
        case .batchNorm1d(let s), .batchNorm2d(let s):
            guard s.affine else { return 0 }
            return s.bias ? s.numFeatures.multipliedReportingOverflow(by: 2).partialValue : s.numFeatures
        default:
            return 0
        }
    }

    /// Checks a spatial layer's settings as its initializer (and PyTorch) would, naming the layer.
    func checkSpatialFields(_ label: String) throws {
        func positive(_ value: Int, _ field: String) throws {
            guard value >= 1 else { throw ModuleSpecError("\(label): \(field) is \(value); it must be at least 1") }
            guard value <= Self.largestSpatialSize else {
                throw ModuleSpecError("\(label): \(field) is \(value); more than \(Self.largestSpatialSize) is refused")
            }
        }
        func nonNegative(_ value: Int, _ field: String) throws {
            guard value >= 0 else { throw ModuleSpecError("\(label): \(field) is \(value); it must not be negative") }
            try positive(value + 1, field)
        }
        func pair(_ value: (Int, Int), _ field: String, _ check: (Int, String) throws -> Void) throws {
            try check(value.0, field)
            try check(value.1, field)
        }
        switch self {
        case let .conv2d(inChannels, outChannels, kernelSize, stride, padding, dilation, groups, _, _):
            try positive(inChannels, "in_channels")
            try positive(outChannels, "out_channels")
            try positive(groups, "groups")
            guard inChannels % groups == 0 else { throw ModuleSpecError("\(label): in_channels must be divisible by groups (\(inChannels) and \(groups))") }
            guard outChannels % groups == 0 else { throw ModuleSpecError("\(label): out_channels must be divisible by groups (\(outChannels) and \(groups))") }
            try pair((kernelSize.height, kernelSize.width), "kernel_size", positive)
            try pair((stride.height, stride.width), "stride", positive)
            try pair((dilation.height, dilation.width), "dilation", positive)
            switch padding {
            case .explicit(let p): try pair((p.height, p.width), "padding", nonNegative)
            case .same where stride != 1: throw ModuleSpecError("\(label): padding='same' is not supported for strided convolutions")
            case .same, .valid: break
            }
        case let .maxPool2d(kernelSize, stride, padding, dilation, _):
            try pair(kernelSize.sizes, "kernel_size", positive)
            try pair(stride.sizes, "stride", positive)
            try pair(padding.sizes, "padding", nonNegative)
            try pair(dilation.sizes, "dilation", positive)
        case let .avgPool2d(kernelSize, stride, padding, _, _, divisorOverride):
            try pair(kernelSize.sizes, "kernel_size", positive)
            try pair(stride.sizes, "stride", positive)
            try pair(padding.sizes, "padding", nonNegative)
            if let divisorOverride { try positive(divisorOverride, "divisor_override") }
        case .adaptiveAvgPool2d(let size), .adaptiveMaxPool2d(let size):
            if let height = size.sizes.0 { try positive(height, "output_size") }
            if let width = size.sizes.1 { try positive(width, "output_size") }
        case .batchNorm1d(let s), .batchNorm2d(let s):
            guard s.numFeatures >= 1 else { throw ModuleSpecError("\(label): num_features is \(s.numFeatures); it must be at least 1") }
            guard s.eps.isFinite, s.eps >= 0 else { throw ModuleSpecError("\(label): eps is \(s.eps); it must be a finite number ≥ 0") }
            if let momentum = s.momentum, !momentum.isFinite {
                throw ModuleSpecError("\(label): momentum is \(momentum); it must be a finite number (or null for a cumulative average)")
            }
        default:
            break
        }
    }

    /// The output shape of a spatial layer for an input of `shape`, or the op's own message
    /// (PyTorch's) naming the layer when the input does not fit.
    func spatialOutputShape(forInput shape: [Int], _ label: String) throws -> [Int] {
        do {
            switch self {
            case let .conv2d(inChannels, outChannels, kernelSize, stride, padding, dilation, groups, _, paddingMode):
                let weight = [outChannels, inChannels / groups, kernelSize.height, kernelSize.width]
                guard let mode = paddingMode.padMode else {
                    return try Tensor.conv2dOutputShape(input: shape, weight: weight, stride: stride, padding: padding,
                                                        dilation: dilation, groups: groups)
                }
                let sides = Conv2d.paddingSides(padding, kernelSize: kernelSize, dilation: dilation)
                let padded = try Tensor.pad2dOutputShape(input: shape, top: sides.top, bottom: sides.bottom, left: sides.left,
                                                         right: sides.right, mode: mode)
                return try Tensor.conv2dOutputShape(input: padded, weight: weight, stride: stride, padding: 0,
                                                    dilation: dilation, groups: groups)
            case let .maxPool2d(kernelSize, stride, padding, dilation, ceilMode):
                return try Tensor.pool2dOutputShape(input: shape, kernelSize: kernelSize.sizes, stride: stride.sizes,
                                                    padding: padding.sizes, dilation: dilation.sizes, ceilMode: ceilMode)
            case let .avgPool2d(kernelSize, stride, padding, ceilMode, _, _):
                let (kH, kW) = kernelSize.sizes, (pH, pW) = padding.sizes
                guard kW / 2 >= pW, kH / 2 >= pH else {
                    throw TensorError("pad should be smaller than or equal to half of kernel size, but got padW = \(pW), padH = \(pH), kW = \(kW), kH = \(kH)")
                }
                return try Tensor.pool2dOutputShape(input: shape, kernelSize: kernelSize.sizes, stride: stride.sizes,
                                                    padding: padding.sizes, ceilMode: ceilMode)
            case .adaptiveAvgPool2d(let size), .adaptiveMaxPool2d(let size):
                guard shape.count == 3 || shape.count == 4, shape.suffix(2).allSatisfy({ $0 > 0 }) else {
                    throw TensorError("\(typeName) expects a 3D or 4D input with non-empty height and width, got \(Shape.describe(shape))")
                }
                return Array(shape.dropLast(2)) + [size.sizes.0 ?? shape[shape.count - 2], size.sizes.1 ?? shape[shape.count - 1]]
            case .batchNorm1d(let s):
                if let problem = BatchNormBase.inputProblem(shape, features: s.numFeatures, accepted: BatchNorm1d.inputRanks) { throw TensorError(problem) }
                return shape
            case .batchNorm2d(let s):
                if let problem = BatchNormBase.inputProblem(shape, features: s.numFeatures, accepted: BatchNorm2d.inputRanks) { throw TensorError(problem) }
                return shape
            default:
                preconditionFailure("spatialOutputShape handles the spatial layers only")
            }
        } catch let error as TensorError {
            throw ModuleSpecError("\(label): \(error.message); its input has shape \(Shape.describe(shape))")
        }
    }
}
