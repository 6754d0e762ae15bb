import Tensors

/// What flows through a transform pipeline: an image as loaded, or a tensor after `ToTensor`.
public enum TransformValue {
    case image(Image)
    case tensor(Tensor)
}

/// One step of preprocessing, like a torchvision transform. Transforms are `Sendable`
/// values so data-loader worker threads can run them.
public protocol Transform: Sendable {
    /// Transforms one sample.
    func apply(_ value: TransformValue) throws -> TransformValue
}

/// Image bytes H×W×C → float tensor C×H×W in [0, 1], like `transforms.ToTensor()`.
public struct ToTensor: Transform {
    public init() {}

    public func apply(_ value: TransformValue) throws -> TransformValue {
        switch value {
        case .tensor: return value
        case .image(let image): return .tensor(Self.tensor(image))
        }
    }

    /// The C×H×W float tensor of an image, each byte divided by 255.
    public static func tensor(_ image: Image) -> Tensor {
        let (h, w, c) = (image.height, image.width, image.channels)
        var values = [Float](repeating: 0, count: h * w * c)
        image.pixels.withUnsafeBufferPointer { p in
            for channel in 0..<c {
                for i in 0..<(h * w) { values[channel * h * w + i] = Float(p[i * c + channel]) / 255 }
            }
        }
        return Tensor(shape: [c, h, w], scalars: values)
    }
}

/// (x − mean[c]) / std[c] per channel, like `transforms.Normalize(mean, std)`.
public struct Normalize: Transform {
    public let mean: [Float]
    public let std: [Float]

    public init(mean: [Float], std: [Float]) {
        precondition(mean.count == std.count && !mean.isEmpty, "Normalize needs one mean and one std per channel")
        precondition(std.allSatisfy { $0 != 0 }, "std evaluated to zero, leading to division by zero")
        self.mean = mean
        self.std = std
    }

    public func apply(_ value: TransformValue) throws -> TransformValue {
        guard case .tensor(let t) = value else {
            throw DatasetError("Normalize", "expects a tensor; put ToTensor() before it in Compose")
        }
        guard t.rank == 3, mean.count == 1 || mean.count == t.shape[0] else {
            throw DatasetError("Normalize", "needs a C×H×W tensor with \(mean.count) channels, got shape \(t.shape)")
        }
        let channels = t.shape[0], plane = t.shape[1] * t.shape[2]
        var values = t.scalars
        for c in 0..<channels {
            let (m, s) = mean.count == 1 ? (mean[0], std[0]) : (mean[c], std[c])
            for i in (c * plane)..<((c + 1) * plane) { values[i] = (values[i] - m) / s }
        }
        return .tensor(Tensor(shape: t.shape, scalars: values))
    }
}

/// Several transforms in order, like `transforms.Compose([...])`.
public struct Compose: Transform {
    public let transforms: [any Transform]

    public init(_ transforms: [any Transform]) { self.transforms = transforms }

    public func apply(_ value: TransformValue) throws -> TransformValue {
        try transforms.reduce(value) { try $1.apply($0) }
    }
}

/// A user function as a transform, like `transforms.Lambda(f)`.
public struct Lambda: Transform {
    private let function: @Sendable (TransformValue) throws -> TransformValue

    /// Wraps a function of any transform value.
    public init(_ function: @escaping @Sendable (TransformValue) throws -> TransformValue) {
        self.function = function
    }

    /// Wraps a function of tensors (the value must already be a tensor).
    public init(tensor function: @escaping @Sendable (Tensor) -> Tensor) {
        self.function = { value in
            guard case .tensor(let t) = value else {
                throw DatasetError("Lambda", "expects a tensor; put ToTensor() before it in Compose")
            }
            return .tensor(function(t))
        }
    }

    public func apply(_ value: TransformValue) throws -> TransformValue { try function(value) }
}

extension Transform {
    /// Runs the transform on an image and requires a tensor at the end (adding `ToTensor` if it left an image).
    func tensor(from image: Image) throws -> Tensor {
        switch try apply(.image(image)) {
        case .tensor(let t): return t
        case .image(let i): return ToTensor.tensor(i)
        }
    }
}
