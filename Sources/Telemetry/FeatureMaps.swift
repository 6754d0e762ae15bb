/// What a convolutional net's blocks make of one input image: each block's activations as
/// maps, for drawing as a grid of tiles (the dashboard's feature-map page).
public struct FeatureMaps: Sendable, Equatable, Codable {
    /// Which image of the batch preview the maps are of (0-based).
    public var image: Int
    /// The blocks' outputs in the order the model computes them.
    public var layers: [FeatureMapLayer]

    /// Channels kept per layer at most: a snapshot stays small whatever the model.
    public static let maxChannels = 16
    /// Layers kept at most.
    public static let maxLayers = 8

    public init(image: Int, layers: [FeatureMapLayer]) {
        self.image = image
        self.layers = layers
    }
}

/// One layer's output for one image: `[C, H, W]`, of which the first channels' maps are kept.
public struct FeatureMapLayer: Sendable, Equatable, Codable {
    /// The module's dotted name in the model, e.g. `2` (as in the state dict).
    public var name: String
    /// The module's type, e.g. `ReLU`, `MaxPool2d`.
    public var kind: String
    /// The whole output's shape for one image, `[C, H, W]`.
    public var shape: [Int]
    /// The first channels' maps, each H·W values row-major, channel after channel.
    public var values: [Float]

    public init(name: String, kind: String, shape: [Int], values: [Float]) {
        self.name = name
        self.kind = kind
        self.shape = shape
        self.values = values
    }

    /// Values in one map (H·W), 0 when the shape is not `[C, H, W]` with sizes 1…4096.
    public var mapSize: Int {
        guard shape.count == 3, shape.allSatisfy({ (1...4096).contains($0) }) else { return 0 }
        return shape[1] * shape[2]
    }

    /// How many whole maps `values` holds (at most the shape's channels).
    public var mapCount: Int { mapSize > 0 ? Swift.min(values.count / mapSize, shape[0]) : 0 }
}

extension FeatureMaps {
    enum CodingKeys: String, CodingKey { case image, layers }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(image: try c.value(.image, or: 0), layers: try c.value(.layers, or: []))
    }
}

extension FeatureMapLayer {
    enum CodingKeys: String, CodingKey { case name, kind, shape, values }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.value(.name, or: ""), kind: try c.value(.kind, or: ""), shape: try c.value(.shape, or: []),
                  values: try c.packedFloats(.values, or: []))
    }

    /// Writes the values packed (base64 of little-endian float32), everything else as it is.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(kind, forKey: .kind)
        try c.encode(shape, forKey: .shape)
        try c.encodePacked(values, forKey: .values)
    }
}

/// A module's buffer (saved state that is not trained, such as batch norm's `running_mean` or
/// `num_batches_tracked`): listed beside the parameters, without a gradient.
public struct BufferSnapshot: Sendable, Equatable, Codable {
    /// PyTorch's dotted name, e.g. `1.running_mean`.
    public var name: String
    public var shape: [Int]
    /// `float32` or `int64`.
    public var dtype: String
    /// The values' histogram.
    public var values: Histogram

    public init(name: String, shape: [Int], dtype: String, values: Histogram) {
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.values = values
    }
}

extension BufferSnapshot {
    enum CodingKeys: String, CodingKey { case name, shape, dtype, values }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name), shape: try c.value(.shape, or: []),
                  dtype: try c.value(.dtype, or: "float32"), values: try c.value(.values, or: .empty))
    }
}

/// Whether the model runs in training mode (batch statistics, dropout on) or evaluation mode.
public enum ModelMode: String, Sendable, Equatable, Codable {
    case train, eval
}
