import Tensors

/// A pooling size for both spatial dims (`2`) or per dim (`.pair(2, 3)`), kept as given for the repr.
public enum PoolSize: Sendable, Equatable, ExpressibleByIntegerLiteral {
    /// The same size for height and width.
    case square(Int)
    /// Height, width.
    case pair(Int, Int)

    public init(integerLiteral value: Int) { self = .square(value) }

    /// Height and width.
    public var sizes: (Int, Int) {
        switch self {
        case .square(let n): (n, n)
        case .pair(let h, let w): (h, w)
        }
    }

    /// Python's spelling: `2` or `(2, 3)`.
    var python: String {
        switch self {
        case .square(let n): "\(n)"
        case .pair(let h, let w): "(\(h), \(w))"
        }
    }
}

/// An adaptive pooling output size: `1`, or per dim with nil keeping the input's size (`.pair(2, nil)`).
public enum AdaptivePoolSize: Sendable, Equatable, ExpressibleByIntegerLiteral {
    /// The same size for height and width.
    case square(Int)
    /// Height, width; nil keeps the input's.
    case pair(Int?, Int?)

    public init(integerLiteral value: Int) { self = .square(value) }

    /// Height and width (nil: the input's).
    public var sizes: (Int?, Int?) {
        switch self {
        case .square(let n): (n, n)
        case .pair(let h, let w): (h, w)
        }
    }

    /// Python's spelling: `1`, `(3, 2)` or `(2, None)`.
    var python: String {
        switch self {
        case .square(let n): "\(n)"
        case .pair(let h, let w): "(\(h.map(String.init) ?? "None"), \(w.map(String.init) ?? "None"))"
        }
    }
}

/// 2-D max pooling over [N, C, H, W] or [C, H, W], PyTorch's `nn.MaxPool2d` (no parameters).
///
/// `stride` defaults to the kernel size. Bad sizes for the input stop with PyTorch's message.
public final class MaxPool2d: Module {
    public let kernelSize: PoolSize
    public let stride: PoolSize
    public let padding: PoolSize
    public let dilation: PoolSize
    /// Whether a last partial window is kept.
    public let ceilMode: Bool

    public init(kernelSize: PoolSize, stride: PoolSize? = nil, padding: PoolSize = 0, dilation: PoolSize = 1,
                ceilMode: Bool = false) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.dilation = dilation
        self.ceilMode = ceilMode
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor { withIndices(input).values }

    /// The pooled values and the int64 indices of the maxima (PyTorch's `return_indices=True`).
    public func withIndices(_ input: Tensor) -> (values: Tensor, indices: Tensor) {
        do {
            return try input.maxPool2dWithIndices(kernelSize: kernelSize.sizes, stride: stride.sizes, padding: padding.sizes,
                                                  dilation: dilation.sizes, ceilMode: ceilMode)
        } catch {
            poolingFailure(self, input, error)
        }
    }

    public override func extraDescription() -> String {
        "kernel_size=\(kernelSize.python), stride=\(stride.python), padding=\(padding.python), dilation=\(dilation.python), ceil_mode=\(pythonBool(ceilMode))"
    }
}

/// 2-D average pooling over [N, C, H, W] or [C, H, W], PyTorch's `nn.AvgPool2d` (no parameters).
public final class AvgPool2d: Module {
    public let kernelSize: PoolSize
    public let stride: PoolSize
    public let padding: PoolSize
    /// Whether a last partial window is kept.
    public let ceilMode: Bool
    /// Whether padding counts in a window's divisor.
    public let countIncludePad: Bool
    /// A fixed divisor for every window, when given.
    public let divisorOverride: Int?

    public init(kernelSize: PoolSize, stride: PoolSize? = nil, padding: PoolSize = 0, ceilMode: Bool = false,
                countIncludePad: Bool = true, divisorOverride: Int? = nil) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
        self.divisorOverride = divisorOverride
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor {
        do {
            return try input.avgPool2d(kernelSize: kernelSize.sizes, stride: stride.sizes, padding: padding.sizes,
                                       ceilMode: ceilMode, countIncludePad: countIncludePad, divisorOverride: divisorOverride)
        } catch {
            poolingFailure(self, input, error)
        }
    }

    /// PyTorch shows only these three.
    public override func extraDescription() -> String {
        "kernel_size=\(kernelSize.python), stride=\(stride.python), padding=\(padding.python)"
    }
}

/// Adaptive 2-D average pooling to a fixed output size, PyTorch's `nn.AdaptiveAvgPool2d`.
public final class AdaptiveAvgPool2d: Module {
    public let outputSize: AdaptivePoolSize

    public init(_ outputSize: AdaptivePoolSize) {
        self.outputSize = outputSize
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor {
        do {
            return try input.adaptiveAvgPool2d(outputSize.sizes)
        } catch {
            poolingFailure(self, input, error)
        }
    }

    public override func extraDescription() -> String { "output_size=\(outputSize.python)" }
}

/// Adaptive 2-D max pooling to a fixed output size, PyTorch's `nn.AdaptiveMaxPool2d`.
public final class AdaptiveMaxPool2d: Module {
    public let outputSize: AdaptivePoolSize

    public init(_ outputSize: AdaptivePoolSize) {
        self.outputSize = outputSize
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor { withIndices(input).values }

    /// The pooled values and the int64 indices of the maxima (PyTorch's `return_indices=True`).
    public func withIndices(_ input: Tensor) -> (values: Tensor, indices: Tensor) {
        do {
            return try input.adaptiveMaxPool2dWithIndices(outputSize.sizes)
        } catch {
            poolingFailure(self, input, error)
        }
    }

    public override func extraDescription() -> String { "output_size=\(outputSize.python)" }
}

/// Stops with the op's PyTorch message, naming the layer and the input's shape (in every build).
private func poolingFailure(_ module: Module, _ input: Tensor, _ error: any Error) -> Never {
    fatalError("\(module) on input of shape \(input.shape): \(error)")
}
