/// The current batch, for drawing images with their labels and predictions.
public struct BatchPreview: Sendable, Equatable, Codable {
    /// 1 (grey) or 3 (RGB).
    public var channels: Int
    public var width: Int
    public var height: Int
    /// count × channels × height × width bytes (each image channel-first, like a PyTorch batch).
    public var pixels: [UInt8]
    public var labels: [Int]
    public var predictions: [Int]
    /// The predicted class's probability for each image.
    public var confidences: [Double]
    public var losses: [Double]
    /// The model's raw scores, count × classes row by row (empty when the source sends none):
    /// what the reduction explorer recomputes the loss from.
    public var logits: [Float]
    public init(channels: Int = 1, width: Int, height: Int, pixels: [UInt8], labels: [Int], predictions: [Int], confidences: [Double], losses: [Double],
                logits: [Float] = []) {
        self.channels = channels
        self.width = width
        self.height = height
        self.pixels = pixels
        self.labels = labels
        self.predictions = predictions
        self.confidences = confidences
        self.losses = losses
        self.logits = logits
    }
    public var count: Int { labels.count }
    /// Bytes in one image (C·H·W).
    /// 0 when a dimension is outside 1…4096 (a snapshot may come from a file or a peer).
    public var imageSize: Int {
        guard [channels, height, width].allSatisfy({ (1...4096).contains($0) }) else { return 0 }
        return channels * height * width
    }
    /// The number of classes the logits hold per image; 0 when they do not split evenly.
    public var classCount: Int {
        guard count > 0, !logits.isEmpty, logits.count % count == 0 else { return 0 }
        return logits.count / count
    }
}

extension BatchPreview {
    // Written out: a type that codes itself both ways gets no synthesized keys.
    enum CodingKeys: String, CodingKey { case channels, width, height, pixels, labels, predictions, confidences, losses, logits }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            channels: try c.value(.channels, or: 1), width: try c.decode(Int.self, forKey: .width),
            height: try c.decode(Int.self, forKey: .height), pixels: try c.packedBytes(.pixels),
            labels: try c.decode([Int].self, forKey: .labels), predictions: try c.value(.predictions, or: []),
            confidences: try c.value(.confidences, or: []), losses: try c.value(.losses, or: []),
            logits: try c.packedFloats(.logits, or: []))
    }

    /// Writes the pixels as base64, everything else as it is.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(channels, forKey: .channels)
        try c.encode(width, forKey: .width)
        try c.encode(height, forKey: .height)
        try c.encodePacked(pixels, forKey: .pixels)
        try c.encode(labels, forKey: .labels)
        try c.encode(predictions, forKey: .predictions)
        try c.encode(confidences, forKey: .confidences)
        try c.encode(losses, forKey: .losses)
        if !logits.isEmpty { try c.encodePacked(logits, forKey: .logits) }
    }
}
