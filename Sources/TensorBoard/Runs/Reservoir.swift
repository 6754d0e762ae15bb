/// A bounded sample of a tag's records, kept the way TensorBoard keeps them ("reservoir sampling").
///
/// Up to `capacity` items are kept whole; after that the n-th item replaces a uniformly chosen
/// kept one with probability capacity/n, else replaces the last kept one — so the newest item
/// is always shown and the rest are an even sample of the history, in step order. A step lower
/// than the last one (a run restarted from a checkpoint) first drops every kept item at or
/// after that step, as TensorBoard does. The generator is seeded: the same input keeps the same items.
public struct Reservoir<Item: Sendable>: Sendable {
    /// Items kept, oldest first.
    public private(set) var items: [Item] = []
    /// Items offered so far (after purges).
    public private(set) var seen = 0
    /// The most items kept (0 keeps everything).
    public let capacity: Int
    private var generator: SplitMix64

    public init(capacity: Int, seed: UInt64 = 0) {
        self.capacity = Swift.max(0, capacity)
        generator = SplitMix64(seed: seed)
    }

    /// Offers `item`, logged at `step`; `stepOf` reads a kept item's step (for restarts).
    public mutating func add(_ item: Item, step: Int64, stepOf: (Item) -> Int64) {
        if let last = items.last, step < stepOf(last) {
            let before = items.count
            items.removeAll { stepOf($0) >= step }
            // Count the dropped ones as never seen, so sampling goes on at the right rate.
            seen = Swift.max(items.count, seen - (before - items.count))
        }
        if capacity == 0 || items.count < capacity {
            items.append(item)
        } else {
            let pick = Int(generator.next() % UInt64(seen + 1))
            if pick < capacity {
                items.remove(at: pick)
                items.append(item)
            } else {
                items[items.count - 1] = item
            }
        }
        seen += 1
    }
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
