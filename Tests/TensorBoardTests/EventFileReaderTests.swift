import Foundation
import Testing
import TensorBoard

/// Event files written by PyTorch's `SummaryWriter` (Fixtures/make_fixtures.py), read back:
/// scalars, histograms, images and text; damage reported and skipped; a cut-off end waited for.
@Suite struct EventFileReaderTests {
    /// The one event file in the fixture folder `run`.
    static func eventFile(_ run: String) throws -> String {
        let folder = try #require(Bundle.module.url(forResource: "logs", withExtension: nil)).appendingPathComponent(run)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("events.out.tfevents.") }
        #expect(names.count == 1)
        return folder.appendingPathComponent(try #require(names.first)).path
    }

    static func scalars(_ records: [BoardRecord], _ tag: String) -> [(Int64, Double)] {
        records.compactMap { record in
            guard record.tag == tag, case .scalar(let value) = record.value else { return nil }
            return (record.step, value)
        }
    }

    @Test func summaryWriterRunReadsBack() throws {
        let reader = EventFileReader(path: try Self.eventFile("run-a"))
        let batch = try reader.readNew()
        #expect(batch.problems.isEmpty)
        #expect(batch.pendingBytes == 0)
        #expect(reader.fileVersion == "brain.Event:2")
        let loss = Self.scalars(batch.records, "loss/train")
        #expect(loss.map(\.0) == Array(0..<20))
        // make_fixtures.py: 2.3·exp(-step/6) + noise; the first is near 2.3, the last near 0.1.
        #expect(abs(loss[0].1 - 2.3) < 0.2 && abs(loss[19].1 - 2.3 * exp(-19.0 / 6)) < 0.2)
        let lr = Self.scalars(batch.records, "lr")
        #expect(lr.map(\.1) == Array(repeating: Double(Float(1e-3)), count: 10) + Array(repeating: Double(Float(5e-4)), count: 10))
        #expect(Self.scalars(batch.records, "accuracy/test").map(\.0) == [4, 9, 14, 19])
        // add_scalar(new_style=True) writes TensorFlow 2's scalar tensor, read through its plugin name.
        let newStyle = Self.scalars(batch.records, "loss/new_style")
        #expect(newStyle.map(\.0) == [0, 5, 10, 15])
        #expect(newStyle.map(\.1) == [0, 5, 10, 15].map { Double(Float(1.0 / (1 + Double($0)))) })

        let histograms = batch.records.filter { $0.tag == "weights/0.weight" }
        #expect(histograms.map(\.step) == [4, 9, 14, 19])
        guard case .histogram(let first)? = histograms.first?.value else {
            Issue.record("no histogram")
            return
        }
        #expect(first.count == 1000)
        #expect(first.counts.reduce(0, +) == 1000)
        #expect(first.limits.count == first.counts.count)
        #expect(first.minimum < -2 && first.maximum > 2)

        guard case .image(let image)? = batch.records.first(where: { $0.tag == "batch/first" })?.value else {
            Issue.record("no image")
            return
        }
        #expect(image.width == 28 && image.height == 28)
        #expect(Array(image.bytes.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])  // PNG

        guard case .text(let text)? = batch.records.first(where: { $0.tag.hasPrefix("notes") })?.value else {
            Issue.record("no text")
            return
        }
        #expect(text.contains("seed 0: a run written by SummaryWriter"))
        // A second read finds nothing new.
        #expect(try reader.readNew().records.isEmpty)
    }

    /// Small chunks read the same records as one big read (records cross chunk boundaries).
    @Test func chunkSizeDoesNotChangeWhatIsRead() throws {
        let path = try Self.eventFile("run-b")
        let whole = try EventFileReader(path: path).readNew()
        let chunked = try EventFileReader(path: path, chunkBytes: 40).readNew()
        #expect(chunked.records == whole.records)
        #expect(chunked.problems.isEmpty)
    }

    @Test func damageIsReportedWithOffsetsAndSkipped() throws {
        let path = try Self.eventFile("damaged")
        let batch = try EventFileReader(path: path).readNew()
        let clean = try EventFileReader(path: try Self.eventFile("run-a")).readNew()
        #expect(batch.problems.count == 2)
        #expect(batch.problems.contains { $0.message.contains("header checksum") && $0.message.contains("skipped 24 bytes") })
        #expect(batch.problems.contains { $0.message.contains("data checksum") })
        #expect(batch.problems.allSatisfy { $0.path == path && $0.offset > 0 })
        // One record lost, everything else read.
        #expect(batch.records.count < clean.records.count && batch.records.count >= clean.records.count - 2)
        #expect(batch.pendingBytes == 0)
    }

    /// A file cut inside its last record: everything before is read, the rest waits, and the
    /// record is read once the file is whole.
    @Test func cutOffEndWaitsForTheRest() throws {
        let cut = try Data(contentsOf: URL(fileURLWithPath: try Self.eventFile("truncated")))
        let whole = try Data(contentsOf: URL(fileURLWithPath: try Self.eventFile("run-a")))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tt-events-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("events.out.tfevents.1.test")
        try cut.write(to: file)
        let reader = EventFileReader(path: file.path)
        let first = try reader.readNew()
        #expect(first.problems.isEmpty)
        #expect(first.pendingBytes > 0)
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: whole[cut.count...])
        try handle.close()
        let second = try reader.readNew()
        #expect(second.problems.isEmpty && second.pendingBytes == 0)
        #expect(first.records + second.records == (try EventFileReader(path: try Self.eventFile("run-a")).readNew()).records)
    }
}
