/// A histogram of a tensor's values, already binned, with summary statistics.
///
/// Bins cover [low, high]: the 0.5th to 99.5th percentile range (or min to max when
/// that is narrower), so one outlier cannot squash every other value into one bin;
/// `below` and `above` count the values outside.
public struct Histogram: Sendable, Equatable, Codable {
    public var counts: [Int]
    public var low: Double
    public var high: Double
    public var below: Int
    public var above: Int
    public var count: Int
    public var mean: Double
    public var std: Double
    public var min: Double
    public var max: Double

    public init(counts: [Int], low: Double, high: Double, below: Int, above: Int, count: Int,
                mean: Double, std: Double, min: Double, max: Double) {
        self.counts = counts
        self.low = low
        self.high = high
        self.below = below
        self.above = above
        self.count = count
        self.mean = mean
        self.std = std
        self.min = min
        self.max = max
    }

    /// An empty histogram (no values).
    public static let empty = Histogram(counts: [], low: 0, high: 0, below: 0, above: 0, count: 0, mean: 0, std: 0, min: 0, max: 0)

    /// The default bin count: 2520 = lcm(1…10) divides evenly into 1–10, 12, 14, 15, 18, 20,
    /// 21, 24, 28, 30, 35, 36, 40, 42, 45, 56, 60, 63, 70, 72, 84, 90, 105, 120 … columns, so a
    /// panel of almost any width merges the same whole number of bins into every column.
    public static let displayBins = 2520

    /// Bins `values` into `bins` bins over their clipped range.
    public init(_ values: UnsafeBufferPointer<Float>, bins: Int = displayBins, clipPercentile: Double = 0.005) {
        let n = values.count
        guard n > 0 else {
            self = .empty
            return
        }
        var total = 0.0, squares = 0.0
        var lo = Double.infinity, hi = -Double.infinity
        var finite = 0
        for v in values where v.isFinite {
            let d = Double(v)
            total += d
            squares += d * d
            lo = Swift.min(lo, d)
            hi = Swift.max(hi, d)
            finite += 1
        }
        let mean = finite > 0 ? total / Double(finite) : .nan
        let variance = finite > 1 ? Swift.max(0, (squares - total * mean) / Double(finite - 1)) : 0
        var rangeLow = lo, rangeHigh = hi
        if finite > 200 {
            // Percentiles from a sorted sample of at most 4096 values (deterministic stride).
            let stride = Swift.max(1, n / 4096)
            var sample: [Double] = []
            sample.reserveCapacity(n / stride + 1)
            var i = 0
            while i < n {
                if values[i].isFinite { sample.append(Double(values[i])) }
                i += stride
            }
            sample.sort()
            if sample.count > 1 {
                let k = Int(Double(sample.count - 1) * clipPercentile)
                rangeLow = Swift.max(lo, sample[k])
                rangeHigh = Swift.min(hi, sample[sample.count - 1 - k])
            }
        }
        if rangeHigh <= rangeLow {
            // One value (or none finite): a bin range around it, wide enough to change a value near ±3e38.
            let centre = rangeLow.isFinite ? rangeLow : 0
            let pad = Swift.max(0.5, abs(centre) * 1e-6)
            rangeLow = centre - pad
            rangeHigh = centre + pad
        }
        let bins = Swift.max(bins, 1)
        var counts = [Int](repeating: 0, count: bins)
        var below = 0, above = 0
        let scale = Double(bins) / (rangeHigh - rangeLow)
        for v in values where v.isFinite {
            let d = Double(v)
            if d < rangeLow { below += 1 } else if d > rangeHigh { above += 1 } else {
                // Total even when the range is so narrow that the scale is infinite.
                let position = (d - rangeLow) * scale
                counts[position.isFinite ? Swift.min(bins - 1, Swift.max(0, Int(position))) : (position.isNaN ? 0 : bins - 1)] += 1
            }
        }
        self.init(counts: counts, low: rangeLow, high: rangeHigh, below: below, above: above, count: n,
                  mean: mean, std: variance.squareRoot(), min: lo, max: hi)
    }
}
