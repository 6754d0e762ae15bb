import Foundation
import Testing
import Datasets

/// A gzip trailer's size claim (ISIZE) is only a hint (found by `make fuzz`): a 30-byte file that
/// claims almost 1 GiB used to make `Gzip.decompress` allocate and zero 1 GiB before reading it.
@Suite struct GzipSizeClaimTests {
    /// The process's peak resident memory so far, in bytes.
    static func peakMemory() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    @Test func aTinyFileClaimingOneGiBIsRefusedWithoutAllocatingIt() {
        var lying = Gzip.compress(Array("tiny".utf8))
        let claim = (1 << 30) - 1
        for i in 0..<4 { lying[lying.count - 4 + i] = UInt8(truncatingIfNeeded: claim >> (8 * i)) }
        let before = Self.peakMemory()
        #expect(throws: DatasetError.self) { try Gzip.decompress(lying, path: "lying.gz") }
        // Other tests may run at the same time, but none of them comes near 512 MiB.
        #expect(Self.peakMemory() - before < 512 << 20)
    }
}
