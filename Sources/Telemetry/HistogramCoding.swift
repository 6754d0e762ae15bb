import Foundation

/// A histogram's JSON form: its counts with runs of empty bins written as one negative number.
///
/// Most of a small parameter's 2520 bins are empty, and `JSONEncoder` spends about half a
/// microsecond on every number, so `counts` writes a run of k ≥ 2 zero bins as `-k`:
/// `[0, 0, 0, 5, 0, 1]` is written `[-3, 5, 0, 1]`. A plain array of counts (no negative
/// numbers) reads as it is; a negative count in memory, which means nothing, is written as 0
/// (docs/TELEMETRY.md).
extension Histogram {
    enum CodingKeys: String, CodingKey { case counts, low, high, below, above, count, mean, std, min, max }

    /// The most bins a reader expands runs to: far beyond any histogram worth drawing, small
    /// enough that a run length from a file or a peer cannot exhaust memory.
    public static let maxBins = 1 << 20

    /// `counts` with each run of two or more zeros (or negative counts) replaced by minus its length.
    static func runLengthCounts(_ counts: [Int]) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(counts.count)
        var zeros = 0
        func flush() {
            if zeros == 1 { out.append(0) } else if zeros > 1 { out.append(-zeros) }
            zeros = 0
        }
        for count in counts {
            if count <= 0 {
                zeros += 1
            } else {
                flush()
                out.append(count)
            }
        }
        flush()
        return out
    }

    /// The counts `encoded` stands for, or nil when its runs expand past `maxBins`.
    static func expandRuns(_ encoded: [Int]) -> [Int]? {
        var counts: [Int] = []
        counts.reserveCapacity(Swift.min(encoded.count, maxBins))
        for value in encoded {
            if value >= 0 {
                guard counts.count < maxBins else { return nil }
                counts.append(value)
            } else {
                // `value >= -maxBins` first: -Int.min would overflow.
                guard value >= -maxBins, counts.count - value <= maxBins else { return nil }
                counts += [Int](repeating: 0, count: -value)
            }
        }
        return counts
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let counts = Self.expandRuns(try c.decode([Int].self, forKey: .counts)) else {
            throw DecodingError.dataCorruptedError(forKey: .counts, in: c, debugDescription: "more than \(Self.maxBins) bins")
        }
        self.init(counts: counts, low: try c.decode(Double.self, forKey: .low), high: try c.decode(Double.self, forKey: .high),
                  below: try c.decode(Int.self, forKey: .below), above: try c.decode(Int.self, forKey: .above),
                  count: try c.decode(Int.self, forKey: .count), mean: try c.decode(Double.self, forKey: .mean),
                  std: try c.decode(Double.self, forKey: .std), min: try c.decode(Double.self, forKey: .min),
                  max: try c.decode(Double.self, forKey: .max))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.runLengthCounts(counts), forKey: .counts)
        try c.encode(low, forKey: .low)
        try c.encode(high, forKey: .high)
        try c.encode(below, forKey: .below)
        try c.encode(above, forKey: .above)
        try c.encode(count, forKey: .count)
        try c.encode(mean, forKey: .mean)
        try c.encode(std, forKey: .std)
        try c.encode(min, forKey: .min)
        try c.encode(max, forKey: .max)
    }
}
