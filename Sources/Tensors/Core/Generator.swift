#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A seeded pseudo-random number generator (xoshiro256**), like PyTorch's `torch.Generator`.
///
/// Every random function takes an optional generator; without one it uses the
/// calling thread's default generator, which `manualSeed(_:)` reseeds. The same
/// seed always gives the same sequence on every machine.
public final class Generator {
    private var state: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    /// A second normal deviate left over from the last Box–Muller pair.
    private var spareNormal: Double?
    /// The seed this generator was last seeded with.
    public private(set) var initialSeed: UInt64 = 0

    /// PyTorch's default seed, used by each thread's default generator until reseeded.
    public static let defaultSeed: UInt64 = 67_280_421_310_721

    /// Creates a generator seeded with `seed`.
    public init(seed: UInt64 = Generator.defaultSeed) {
        manualSeed(seed)
    }

    /// Reseeds the generator; the sequence restarts from `seed`.
    @discardableResult
    public func manualSeed(_ seed: UInt64) -> Generator {
        initialSeed = seed
        var mix = seed
        func splitMix() -> UInt64 {
            mix &+= 0x9E37_79B9_7F4A_7C15
            var z = mix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
        spareNormal = nil
        return self
    }

    /// A generator in this one's state: both go on with the same sequence, independently.
    public func copy() -> Generator {
        let twin = Generator(seed: initialSeed)
        twin.state = state
        twin.spareNormal = spareNormal
        return twin
    }

    /// The next 64 random bits.
    @inline(__always)
    public func nextUInt64() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    @inline(__always)
    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform float in [0, 1) with 24 random bits.
    @inline(__always)
    public func nextFloat() -> Float {
        Float(nextUInt64() >> 40) * 0x1p-24
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inline(__always)
    public func nextDouble() -> Double {
        Double(nextUInt64() >> 11) * 0x1p-53
    }

    /// A standard normal deviate (Box–Muller, both values of each pair used).
    public func nextNormal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        let u1 = 1 - nextDouble()  // (0, 1], so log is finite
        let u2 = nextDouble()
        let radius = (-2 * log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        spareNormal = radius * sin(angle)
        return radius * cos(angle)
    }

    /// A uniform integer in `0..<bound` without modulo bias.
    public func nextInt(below bound: Int) -> Int {
        usageCheck(bound > 0, "random integer bound must be positive, got \(bound)")
        let range = UInt64(bound)
        let limit = UInt64.max - (UInt64.max % range)
        while true {
            let r = nextUInt64()
            if r < limit { return Int(r % range) }
        }
    }

    /// A random permutation of `0..<n` (Fisher–Yates), like `torch.randperm`.
    public func permutation(_ n: Int) -> [Int] {
        var result = Array(0..<n)
        if n < 2 { return result }
        for i in stride(from: n - 1, to: 0, by: -1) {
            result.swapAt(i, nextInt(below: i + 1))
        }
        return result
    }
}

/// Reseeds the calling thread's default generator, like `torch.manual_seed`.
@discardableResult
public func manualSeed(_ seed: UInt64) -> Generator {
    ThreadState.current.generator.manualSeed(seed)
}

/// The calling thread's default generator, used when no generator is passed.
public var defaultGenerator: Generator { ThreadState.current.generator }
