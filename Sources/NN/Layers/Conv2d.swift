import Tensors

/// How `Conv2d` fills its border: PyTorch's `padding_mode`.
public enum Conv2dPaddingMode: String, Sendable, CaseIterable {
    /// Zeros, handled inside the convolution itself.
    case zeros
    /// Mirror the input without repeating the edge.
    case reflect
    /// Repeat the edge.
    case replicate
    /// Wrap around.
    case circular

    /// The explicit padding op for the non-zero modes (nil for `zeros`).
    var padMode: Pad2dMode? {
        switch self {
        case .zeros: return nil
        case .reflect: return .reflect
        case .replicate: return .replicate
        case .circular: return .circular
        }
    }
}

/// A 2-D convolution over NCHW images, PyTorch's `nn.Conv2d`.
///
/// The weight is [outChannels, inChannels/groups, kH, kW] and the bias [outChannels]
/// (state-dict names `weight` and `bias`). Initialised like PyTorch: the weight with
/// `kaimingUniform_(a: √5)`, so uniform in ±1/√fan_in, and the bias uniform in ±1/√fan_in,
/// where fan_in = inChannels/groups · kH · kW. A padding mode other than `zeros` pads the
/// input explicitly (`Tensor.pad2d`) and then convolves without padding, as PyTorch does.
public final class Conv2d: Module {
    /// The number of input channels.
    public let inChannels: Int
    /// The number of output channels (filters).
    public let outChannels: Int
    /// The kernel's (height, width).
    public let kernelSize: Pair2d
    /// The step between output positions.
    public let stride: Pair2d
    /// The padding: explicit sizes, `same` or `valid`.
    public let padding: Conv2dPadding
    /// The spacing between kernel taps.
    public let dilation: Pair2d
    /// The number of channel groups convolved separately (inChannels for depthwise).
    public let groups: Int
    /// How the border is filled.
    public let paddingMode: Conv2dPaddingMode
    /// The [outChannels, inChannels/groups, kH, kW] filters.
    @Parameter public var weight: Tensor
    /// The [outChannels] bias, or nil when the layer has none.
    @OptionalParameter public var bias: Tensor?

    /// Creates a layer with PyTorch's default initialisation, drawn from `generator`.
    ///
    /// Throws PyTorch's messages for channel counts that `groups` does not divide, `same`
    /// padding with a stride, and sizes that are not positive.
    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: Pair2d, stride: Pair2d = 1, padding: Conv2dPadding = 0,
        dilation: Pair2d = 1, groups: Int = 1, bias: Bool = true, paddingMode: Conv2dPaddingMode = .zeros,
        generator: Generator? = nil
    ) throws(TensorError) {
        guard groups > 0 else { throw TensorError("groups must be a positive integer") }
        guard inChannels >= 0, outChannels >= 0 else {
            throw TensorError("Conv2d needs non-negative channel counts, got in_channels=\(inChannels), out_channels=\(outChannels)")
        }
        guard inChannels % groups == 0 else { throw TensorError("in_channels must be divisible by groups") }
        guard outChannels % groups == 0 else { throw TensorError("out_channels must be divisible by groups") }
        guard kernelSize.height > 0, kernelSize.width > 0 else { throw TensorError("kernel_size must be positive, got \(kernelSize)") }
        guard stride.height > 0, stride.width > 0 else { throw TensorError("non-positive stride is not supported (got stride=\(stride))") }
        guard dilation.height > 0, dilation.width > 0 else { throw TensorError("dilation should be greater than zero (got dilation=\(dilation))") }
        switch padding {
        case .same where stride != 1:
            throw TensorError("padding='same' is not supported for strided convolutions")
        case .explicit(let p) where p.height < 0 || p.width < 0:
            throw TensorError("negative padding is not supported (got padding=\(p))")
        default: break
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        self.paddingMode = paddingMode
        self.weight = Tensor.zeros([outChannels, inChannels / groups, kernelSize.height, kernelSize.width])
        self.bias = bias ? Tensor.zeros([outChannels]) : nil
        super.init()
        resetParameters(generator: generator)
    }

    /// Re-draws the weight and bias with PyTorch's default initialisation (the same as `Linear`'s,
    /// with the fans of the 4-D weight).
    public func resetParameters(generator: Generator? = nil) {
        Init.pytorchLinearDefault(weight: weight, bias: bias, generator: generator)
    }

    /// The padding on each side (top, bottom, left, right); `same` puts an odd extra row or column at the bottom/right.
    public var paddingSides: (top: Int, bottom: Int, left: Int, right: Int) {
        Self.paddingSides(padding, kernelSize: kernelSize, dilation: dilation)
    }

    /// The padding on each side for these settings, as `paddingSides`.
    public static func paddingSides(_ padding: Conv2dPadding, kernelSize: Pair2d, dilation: Pair2d) -> (top: Int, bottom: Int, left: Int, right: Int) {
        switch padding {
        case .explicit(let p): return (p.height, p.height, p.width, p.width)
        case .valid: return (0, 0, 0, 0)
        case .same:
            let totalH = dilation.height * (kernelSize.height - 1), totalW = dilation.width * (kernelSize.width - 1)
            return (totalH / 2, totalH - totalH / 2, totalW / 2, totalW - totalW / 2)
        }
    }

    /// The convolution, or a stop with PyTorch's message when the input does not fit the layer.
    public override func forward(_ input: Tensor) -> Tensor {
        do {
            return try convolve(input)
        } catch {
            fatalError("\(typeName): \(error.message)")
        }
    }

    /// The convolution, throwing PyTorch's message when the input does not fit the layer.
    public func convolve(_ input: Tensor) throws(TensorError) -> Tensor {
        guard let mode = paddingMode.padMode else {
            return try Tensor.conv2d(input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
        }
        let sides = paddingSides
        let padded = try Tensor.pad2d(input, top: sides.top, bottom: sides.bottom, left: sides.left, right: sides.right, mode: mode)
        return try Tensor.conv2d(padded, weight: weight, bias: bias, stride: stride, padding: 0, dilation: dilation, groups: groups)
    }

    /// PyTorch's `extra_repr`: settings at their defaults are left out (stride is always shown).
    public override func extraDescription() -> String {
        var text = "\(inChannels), \(outChannels), kernel_size=\(kernelSize), stride=\(stride)"
        switch padding {
        case .explicit(let p) where p != 0: text += ", padding=\(p)"
        case .explicit: break
        case .same: text += ", padding=same"
        case .valid: text += ", padding=valid"
        }
        if dilation != 1 { text += ", dilation=\(dilation)" }
        if groups != 1 { text += ", groups=\(groups)" }
        if bias == nil { text += ", bias=False" }
        if paddingMode != .zeros { text += ", padding_mode=\(paddingMode.rawValue)" }
        return text
    }
}
