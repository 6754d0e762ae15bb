/// One parameter as the dashboard sees it.
public struct ParameterSnapshot: Sendable, Equatable, Codable {
    /// PyTorch's dotted name, e.g. `1.weight`.
    public var name: String
    public var shape: [Int]
    public var values: Histogram
    public var initialization: InitRecord?
    public var gradient: GradientStats?
    /// The gradient printed like PyTorch (summarised), e.g. `tensor([[ 0.0012, -0.0004, ...]])`.
    public var gradientText: String
    /// For a weight whose rows each take a whole input image (a first layer `[units, C·H·W]`):
    /// the first units' rows (and gradients), row-major, drawn as images of `tileShape`; else empty.
    public var tiles: [Float]
    public var gradientTiles: [Float]
    /// The shape of one tile, `[C, H, W]` (e.g. `[1, 28, 28]`); empty when there are no tiles.
    public var tileShape: [Int]
    /// The L2 norm of the gradient at recent snapshots, oldest first.
    public var normHistory: [Double]
    public init(name: String, shape: [Int], values: Histogram, initialization: InitRecord?, gradient: GradientStats?,
                gradientText: String, tiles: [Float], gradientTiles: [Float], tileShape: [Int] = [], normHistory: [Double]) {
        self.name = name
        self.shape = shape
        self.values = values
        self.initialization = initialization
        self.gradient = gradient
        self.gradientText = gradientText
        self.tiles = tiles
        self.gradientTiles = gradientTiles
        self.tileShape = tileShape
        self.normHistory = normHistory
    }

    /// Elements in one tile (C·H·W), 0 without tiles.
    public var tileSize: Int {
        guard !tileShape.isEmpty, tileShape.allSatisfy({ (1...4096).contains($0) }) else { return 0 }
        return tileShape.reduce(1, *)  // at most 4096³: cannot overflow
    }
    /// How many whole tiles `gradientTiles` holds.
    public var gradientTileCount: Int { tileSize > 0 ? gradientTiles.count / tileSize : 0 }
}

extension ParameterSnapshot {
    // Written out: a type that codes itself both ways gets no synthesized keys.
    enum CodingKeys: String, CodingKey {
        case name, shape, values, initialization, gradient, gradientText, tiles, gradientTiles, tileShape, normHistory
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name), shape: try c.value(.shape, or: []),
            values: try c.value(.values, or: .empty), initialization: try c.decodeIfPresent(InitRecord.self, forKey: .initialization),
            gradient: try c.decodeIfPresent(GradientStats.self, forKey: .gradient), gradientText: try c.value(.gradientText, or: ""),
            tiles: try c.packedFloats(.tiles, or: []), gradientTiles: try c.packedFloats(.gradientTiles, or: []),
            tileShape: try c.value(.tileShape, or: []), normHistory: try c.value(.normHistory, or: []))
    }

    /// Writes the tiles packed (base64 of little-endian float32), everything else as it is.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(shape, forKey: .shape)
        try c.encode(values, forKey: .values)
        try c.encodeIfPresent(initialization, forKey: .initialization)
        try c.encodeIfPresent(gradient, forKey: .gradient)
        try c.encode(gradientText, forKey: .gradientText)
        try c.encodePacked(tiles, forKey: .tiles)
        try c.encodePacked(gradientTiles, forKey: .gradientTiles)
        try c.encode(tileShape, forKey: .tileShape)
        try c.encode(normHistory, forKey: .normHistory)
    }
}

/// Statistics of a parameter's current gradient.
public struct GradientStats: Sendable, Equatable, Codable {
    public var l2Norm: Double
    public var mean: Double
    public var std: Double
    public var maxAbs: Double
    /// The fraction of elements exactly 0.
    public var zeroFraction: Double
    /// lr · ‖g‖ / ‖w‖: how far one step moves the weights, relative to their size.
    public var updateRatio: Double
    public init(l2Norm: Double, mean: Double, std: Double, maxAbs: Double, zeroFraction: Double, updateRatio: Double) {
        self.l2Norm = l2Norm
        self.mean = mean
        self.std = std
        self.maxAbs = maxAbs
        self.zeroFraction = zeroFraction
        self.updateRatio = updateRatio
    }
}

/// A parameter's most recent (re)initialisation.
public struct InitRecord: Sendable, Equatable, Codable {
    public var method: InitChoice
    public var step: Int
    public var spread: SpreadMark
    public var before: Histogram
    public var after: Histogram
    public init(method: InitChoice, step: Int, spread: SpreadMark, before: Histogram, after: Histogram) {
        self.method = method
        self.step = step
        self.spread = spread
        self.before = before
        self.after = after
    }
}

/// The theoretical spread of an initialisation, for marking a histogram axis.
public enum SpreadMark: Sendable, Equatable, Codable {
    case uniform(low: Double, high: Double)
    case normal(mean: Double, std: Double)
    case constant(Double)
    case none

    // The JSON names of unlabelled values (docs/TELEMETRY.md).
    enum ConstantCodingKeys: String, CodingKey { case _0 = "value" }
}
