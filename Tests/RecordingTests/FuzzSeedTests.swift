import Foundation
import Recording
import Testing

/// The fuzz harness's seeds (Fuzz/corpus/ttrun): small recordings of every record type, written
/// by this test with `TENSORTOP_RECORD_GOLDEN=1`, and checked to read as expected otherwise.
@Suite struct FuzzSeedTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Fuzz/corpus/ttrun").standardized

    static func seeds() throws -> [(name: String, bytes: [UInt8], damaged: Bool)] {
        let plain = try RunFormat.file(Synthetic.records(bins: 8),
                                       compress: false)
        let compressed = try RunFormat.file(Synthetic.records(bins: 64))
        let header = try RunFormat.file([.header(Synthetic.header), .limit(LimitNote(maxBytes: 1, snapshotsKept: 0))], compress: false)
        return [("plain.ttrun", plain, false), ("compressed.ttrun", compressed, false),
                ("header-and-limit.ttrun", header, false), ("truncated.ttrun", Array(plain.dropLast(7)), true)]
    }

    @Test func committedSeedsAreTheRecordingsTheyClaim() throws {
        let record = ProcessInfo.processInfo.environment["TENSORTOP_RECORD_GOLDEN"] == "1"
        for seed in try Self.seeds() {
            let url = Self.folder.appendingPathComponent(seed.name)
            if record {
                try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
                try Data(seed.bytes).write(to: url)
            }
            let bytes = try [UInt8](Data(contentsOf: url))
            #expect(bytes == seed.bytes, "\(seed.name) is stale: re-record with TENSORTOP_RECORD_GOLDEN=1")
            #expect((RunLoader.load(bytes, file: seed.name).damage != nil) == seed.damaged, "\(seed.name)")
        }
    }
}
