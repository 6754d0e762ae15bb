import Tensors

extension ModuleSpec {
    /// Checks every number the description holds, before anything is built or allocated.
    ///
    /// A spec read from a file may say anything: widths of -1 or 10^6 × 10^6, a dropout
    /// probability of 5. Each layer's fields are checked against what its initializer
    /// accepts, then the weights' total size against `memoryLimit` (the machine's physical
    /// memory), so `makeModule()` never traps and never asks for terabytes.
    /// - Throws: `ModuleSpecError` naming the layer (by its state-dict prefix) and the field.
    public func validate(memoryLimit: Int = PhysicalMemory.bytes) throws {
        try checkFields(prefix: nil)
        guard let parameters = parameterCount, case let (bytes, false) = parameters.multipliedReportingOverflow(by: MemoryLayout<Float>.size) else {
            throw ModuleSpecError("the model has more parameters than a 64-bit integer can count")
        }
        guard bytes <= memoryLimit else {
            throw ModuleSpecError("the model has \(parameters) parameters, which need \(PhysicalMemory.describe(bytes)) for the weights alone; this machine has \(PhysicalMemory.describe(memoryLimit)) of memory")
        }
    }

    /// The number of parameters the module has, or nil if it overflows `Int`.
    public var parameterCount: Int? {
        switch self {
        case .sequential(let layers):
            var total = 0
            for layer in layers {
                guard let count = layer.parameterCount, case let (sum, false) = total.addingReportingOverflow(count) else { return nil }
                total = sum
            }
            return total
        case .linear(let inFeatures, let outFeatures, let bias):
            guard case let (weights, false) = inFeatures.multipliedReportingOverflow(by: outFeatures),
                  case let (total, false) = weights.addingReportingOverflow(bias ? outFeatures : 0)
            else { return nil }
            return total
        case .flatten, .relu, .leakyRelu, .tanh, .sigmoid, .softmax, .dropout, .identity:
            return 0
        case .conv2d, .maxPool2d, .avgPool2d, .adaptiveAvgPool2d, .adaptiveMaxPool2d, .batchNorm1d, .batchNorm2d:
            return spatialParameterCount
        }
    }

    /// The shape this module outputs for an input of `shape`, checking that every layer
    /// accepts what the one before it produces (Linear's `in_features`, Flatten's and
    /// Softmax's dims) — what running the model would otherwise stop on with a precondition.
    /// - Throws: `ModuleSpecError` naming the first layer that cannot take its input.
    public func outputShape(forInput shape: [Int]) throws -> [Int] {
        var tally = ActivationTally(peak: 0)
        return try outputShape(forInput: shape, prefix: nil, tally: &tally)
    }

    /// The most elements the input or any layer's output has for an input of `shape`
    /// (`Int.max` if a count overflows): what running the model needs at least, in floats.
    /// - Throws: like `outputShape(forInput:)`.
    public func peakActivationCount(forInput shape: [Int]) throws -> Int {
        var tally = ActivationTally(peak: Self.elementCount(shape))
        _ = try outputShape(forInput: shape, prefix: nil, tally: &tally)
        return tally.peak
    }

    /// The elements of every layer's output together for an input of `shape` (`Int.max` if
    /// the sum overflows), leaving out layers whose output is a view of their input
    /// (Flatten, Identity): what a training step keeps for backward, in floats.
    /// - Throws: like `outputShape(forInput:)`.
    public func activationCount(forInput shape: [Int]) throws -> Int {
        var tally = ActivationTally(peak: 0)
        _ = try outputShape(forInput: shape, prefix: nil, tally: &tally)
        return tally.total
    }

    /// The largest output and the sum of the outputs seen so far.
    private struct ActivationTally {
        var peak: Int
        var total = 0
    }

    /// The element count of `shape`, saturating at `Int.max`.
    private static func elementCount(_ shape: [Int]) -> Int {
        var count = 1
        for dim in shape {
            guard case let (product, false) = count.multipliedReportingOverflow(by: dim) else { return Int.max }
            count = product
        }
        return count
    }

    /// PyTorch's class name for the layer.
    public var typeName: String {
        switch self {
        case .sequential: "Sequential"
        case .linear: "Linear"
        case .flatten: "Flatten"
        case .relu: "ReLU"
        case .leakyRelu: "LeakyReLU"
        case .tanh: "Tanh"
        case .sigmoid: "Sigmoid"
        case .softmax: "Softmax"
        case .dropout: "Dropout"
        case .identity: "Identity"
        case .conv2d: "Conv2d"
        case .maxPool2d: "MaxPool2d"
        case .avgPool2d: "AvgPool2d"
        case .adaptiveAvgPool2d: "AdaptiveAvgPool2d"
        case .adaptiveMaxPool2d: "AdaptiveMaxPool2d"
        case .batchNorm1d: "BatchNorm1d"
        case .batchNorm2d: "BatchNorm2d"
        }
    }

    /// "layer 2 (Dropout)", or "the model (Sequential)" for the root.
    private func label(_ prefix: String?) -> String {
        prefix.map { "layer \($0) (\(typeName))" } ?? "the model (\(typeName))"
    }

    private func childPrefix(_ prefix: String?, _ index: Int) -> String {
        prefix.map { "\($0).\(index)" } ?? "\(index)"
    }

    private func checkFields(prefix: String?) throws {
        switch self {
        case .sequential(let layers):
            for (index, layer) in layers.enumerated() { try layer.checkFields(prefix: childPrefix(prefix, index)) }
        case .linear(let inFeatures, let outFeatures, _):
            guard inFeatures > 0 else { throw ModuleSpecError("\(label(prefix)): in_features is \(inFeatures); it must be at least 1") }
            guard outFeatures > 0 else { throw ModuleSpecError("\(label(prefix)): out_features is \(outFeatures); it must be at least 1") }
        case .dropout(let p):
            guard p >= 0, p <= 1 else { throw ModuleSpecError("\(label(prefix)): p is \(p); a dropout probability must be between 0 and 1") }
        case .leakyRelu(let slope):
            guard slope.isFinite else { throw ModuleSpecError("\(label(prefix)): negative_slope is \(slope); it must be a finite number") }
        case .flatten, .relu, .tanh, .sigmoid, .softmax, .identity:
            break
        case .conv2d, .maxPool2d, .avgPool2d, .adaptiveAvgPool2d, .adaptiveMaxPool2d, .batchNorm1d, .batchNorm2d:
            try checkSpatialFields(label(prefix))
        }
    }

    private func outputShape(forInput shape: [Int], prefix: String?, tally: inout ActivationTally) throws -> [Int] {
        if case .sequential(let layers) = self {
            var current = shape
            for (index, layer) in layers.enumerated() {
                current = try layer.outputShape(forInput: current, prefix: childPrefix(prefix, index), tally: &tally)
            }
            return current
        }
        let output = try layerOutputShape(forInput: shape, prefix: prefix)
        let count = Self.elementCount(output)
        tally.peak = Swift.max(tally.peak, count)
        switch self {
        case .flatten, .identity: break
        default:
            let (sum, overflow) = tally.total.addingReportingOverflow(count)
            tally.total = overflow ? Int.max : sum
        }
        return output
    }

    /// The output shape of a single (non-Sequential) layer.
    private func layerOutputShape(forInput shape: [Int], prefix: String?) throws -> [Int] {
        switch self {
        case .sequential:
            preconditionFailure("outputShape(forInput:prefix:tally:) walks a Sequential's layers")
        case .linear(let inFeatures, let outFeatures, _):
            guard let features = shape.last, features == inFeatures else {
                throw ModuleSpecError("\(label(prefix)): in_features is \(inFeatures) but its input has shape \(Shape.describe(shape)) (\(shape.last.map(String.init) ?? "no") features); the layers do not fit together")
            }
            return shape.dropLast() + [outFeatures]
        case .flatten(let startDim, let endDim):
            guard !shape.isEmpty else { return [1] }
            func normalized(_ dim: Int, _ field: String) throws -> Int {
                guard let index = try? Shape.normalize(dim: dim, rank: shape.count) else {
                    throw ModuleSpecError("\(label(prefix)): \(field) \(dim) is out of range for its \(shape.count)-d input \(Shape.describe(shape)); use a dim in \(-shape.count)...\(shape.count - 1)")
                }
                return index
            }
            let start = try normalized(startDim, "start_dim"), end = try normalized(endDim, "end_dim")
            guard start <= end else { throw ModuleSpecError("\(label(prefix)): start_dim \(startDim) comes after end_dim \(endDim) for its input \(Shape.describe(shape))") }
            var flat = 1
            for dim in shape[start...end] {
                guard case let (product, false) = flat.multipliedReportingOverflow(by: dim) else {
                    throw ModuleSpecError("\(label(prefix)): flattening \(Shape.describe(shape)) overflows a 64-bit integer")
                }
                flat = product
            }
            return Array(shape[..<start]) + [flat] + Array(shape[(end + 1)...])
        case .softmax(let dim):
            guard (try? Shape.normalize(dim: dim, rank: shape.count)) != nil else {
                throw ModuleSpecError("\(label(prefix)): dim \(dim) is out of range for its \(shape.count)-d input \(Shape.describe(shape)); use a dim in \(-Swift.max(shape.count, 1))...\(Swift.max(shape.count, 1) - 1)")
            }
            return shape
        case .relu, .leakyRelu, .tanh, .sigmoid, .dropout, .identity:
            return shape
        case .conv2d, .maxPool2d, .avgPool2d, .adaptiveAvgPool2d, .adaptiveMaxPool2d, .batchNorm1d, .batchNorm2d:
            return try spatialOutputShape(forInput: shape, label(prefix))
        }
    }
}
