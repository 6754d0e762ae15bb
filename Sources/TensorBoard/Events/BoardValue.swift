import Foundation

/// One logged value, whatever summary form it was written in.
public enum BoardValue: Equatable, Sendable {
    /// A number: `simple_value`, or a TF2-style scalar tensor.
    case scalar(Double)
    /// A histogram of many values at one step.
    case histogram(BoardHistogram)
    /// An encoded image (PNG) and the size the writer gave it.
    case image(EncodedImage)
    /// Text (the text plugin's string tensor; a table's cells joined by tabs and new lines).
    case text(String)
}

/// A histogram: `counts[i]` values fell in (`limits[i - 1]`, `limits[i]`] (the first from `minimum`).
public struct BoardHistogram: Equatable, Sendable {
    public var minimum: Double, maximum: Double
    public var count: Double, sum: Double, sumOfSquares: Double
    /// Right edges of the buckets, increasing.
    public var limits: [Double]
    public var counts: [Double]

    public init(minimum: Double, maximum: Double, count: Double, sum: Double, sumOfSquares: Double = 0,
                limits: [Double], counts: [Double]) {
        (self.minimum, self.maximum, self.count, self.sum, self.sumOfSquares) = (minimum, maximum, count, sum, sumOfSquares)
        (self.limits, self.counts) = (limits, counts)
    }
}

/// Encoded image bytes (PNG from PyTorch and TensorFlow) with the size its writer declared.
public struct EncodedImage: Equatable, Sendable {
    public var width: Int, height: Int
    public var bytes: Data

    public init(width: Int, height: Int, bytes: Data) {
        (self.width, self.height, self.bytes) = (width, height, bytes)
    }
}

/// A value with its tag and the step and time it was logged at.
public struct BoardRecord: Equatable, Sendable {
    public var tag: String
    public var step: Int64
    /// Seconds since the Unix epoch.
    public var wallTime: Double
    public var value: BoardValue

    public init(tag: String, step: Int64, wallTime: Double, value: BoardValue) {
        (self.tag, self.step, self.wallTime, self.value) = (tag, step, wallTime, value)
    }
}
