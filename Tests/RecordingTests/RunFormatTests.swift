import Foundation
import Recording
import Telemetry
import Testing

@Suite struct RunFormatTests {
    @Test func everyRecordTypeRoundTrips() throws {
        let records = Synthetic.records() + [
            .limit(LimitNote(maxBytes: 1000, snapshotsKept: 2)),
        ]
        let bytes = try RunFormat.file(records)
        var reader = RunReader(file: "round.ttrun")
        let frames = reader.feed(bytes)
        reader.finish()
        #expect(reader.damage == nil)
        #expect(frames.map(\.record) == records)
        #expect(frames.first?.offset == RunFormat.magic.count)
    }

    @Test func nonFiniteNumbersRoundTrip() throws {
        let points = [LossPoint(step: 3, loss: .nan, segment: 0), LossPoint(step: 4, loss: .infinity, segment: 1, learningRate: -.infinity)]
        let bytes = try RunFormat.file([.header(Synthetic.header), .losses(LossBatch(first: 0, points: points))])
        let loader = RunLoader.load(bytes, file: "nan.ttrun")
        #expect(loader.damage == nil)
        let losses = loader.run.losses
        #expect(losses.count == 2 && losses[0].loss.isNaN && losses[1].loss == .infinity && losses[1].learningRate == -.infinity)
        #expect(losses.map(\.step) == [3, 4] && losses.map(\.segment) == [0, 1])
    }

    @Test func snapshotsAreCompressed() throws {
        let snapshot = Synthetic.snapshot(step: 5, lossCount: 0)
        let json = try TelemetryCoding.encoder().encode(RunRecord.snapshot(snapshot))
        let frame = try RunFormat.frame(.snapshot(snapshot))
        // 2520 histogram bins, nearly all 0: written as two runs of empty bins, then deflated.
        #expect(json.count < 1200)
        #expect(frame.count < json.count)
    }

    @Test func aFileCutAtEveryByteReadsItsWholeFrames() throws {
        let records = Synthetic.records(bins: 8)  // small snapshots: every cut is read and replayed
        let bytes = try RunFormat.file(records)
        var boundaries = [RunFormat.magic.count]
        for record in records { boundaries.append(boundaries.last! + (try RunFormat.frame(record)).count) }
        for cut in 0...bytes.count {
            let loader = RunLoader.load(bytes.prefix(cut), file: "cut.ttrun")
            let whole = boundaries.filter { $0 <= cut }.count - 1
            var reader = RunReader(file: "cut.ttrun")
            let frames = reader.feed(bytes.prefix(cut))
            #expect(frames.map(\.record) == Array(records.prefix(Swift.max(whole, 0))), "cut at \(cut)")
            if boundaries.contains(cut) {
                #expect(loader.damage == nil, "cut at \(cut)")
            } else {
                #expect(loader.damage?.problem.contains("truncated") == true, "cut at \(cut)")
                #expect(loader.damage?.offset == boundaries.last { $0 <= cut } ?? 0, "cut at \(cut)")
            }
            // The replay shows exactly the snapshots that were whole, and says where it stopped.
            let snapshots = records.prefix(Swift.max(whole, 0)).filter { if case .snapshot = $0 { true } else { false } }.count
            if let replay = try? ReplaySource(bytes: Array(bytes.prefix(cut)), name: "cut.ttrun") {
                replay.send(.seek(.last))
                let shown = try #require(replay.latestSnapshot())
                #expect(shown.timeline?.count == snapshots, "cut at \(cut)")
                #expect((shown.timeline?.damage == nil) == (cut == bytes.count), "cut at \(cut)")
                _ = replay.losses(from: 0)
                _ = replay.takeEvents()
            } else {
                #expect(snapshots == 0, "cut at \(cut)")
            }
        }
    }

    @Test func everyFlippedByteIsDetected() throws {
        let records = Array(Synthetic.records(bins: 8).prefix(4))
        let bytes = try RunFormat.file(records)
        for offset in RunFormat.magic.count..<bytes.count {
            var damaged = bytes
            damaged[offset] ^= 0x20
            let loader = RunLoader.load(damaged, file: "flip.ttrun")
            #expect(loader.damage != nil, "flip at \(offset)")
            #expect(loader.damage.map { $0.offset <= offset } == true, "flip at \(offset)")
        }
        var checksum = bytes
        checksum[RunFormat.magic.count + 4] ^= 1
        let loader = RunLoader.load(checksum, file: "flip.ttrun")
        #expect(loader.damage?.description == "stopped at byte 8 of flip.ttrun: checksum mismatch")
    }

    @Test func anOverLongLengthIsDamageNotAnAllocation() throws {
        var bytes = try RunFormat.file([.header(Synthetic.header)])
        let header = bytes.count
        bytes += [0xF0, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 1, 2, 3]
        let loader = RunLoader.load(bytes, file: "long.ttrun")
        #expect(loader.run.header == Synthetic.header)
        #expect(loader.damage?.offset == header)
        #expect(loader.damage?.problem.contains("claims 4294967280 bytes") == true)
    }

    @Test func aCompressedFrameThatLiesAboutItsSizeIsDamage() throws {
        var payload: [UInt8] = [0x5A]
        RunFormatTestBytes.appendUInt32(1 << 30, to: &payload)  // 1 GiB from a few bytes
        payload += [0x78, 0x9C, 0x03, 0x00]
        let bytes = try RunFormat.file([.header(Synthetic.header)]) + RunFormatTestBytes.frame(payload)
        let loader = RunLoader.load(bytes, file: "bomb.ttrun")
        #expect(loader.damage?.problem.contains("claims 1073741824 bytes of JSON") == true)
    }

    @Test func recordsOutOfPlaceAreDamage() throws {
        let noHeader = RunLoader.load(try RunFormat.file([.event(.finished)]), file: "a.ttrun")
        #expect(noHeader.damage?.problem == "the first record is not the header")
        let afterEnd = RunLoader.load(try RunFormat.file([.header(Synthetic.header), .end(RunEnd(seconds: 0, snapshots: 0, lossPoints: 0, events: 0)),
                                                          .event(.finished)]), file: "b.ttrun")
        #expect(afterEnd.damage?.problem == "a record after the end marker")
        var newer = Synthetic.header
        newer.schemaVersion = TelemetryCoding.schemaVersion + 1
        let future = RunLoader.load(try RunFormat.file([.header(newer)]), file: "c.ttrun")
        #expect(future.damage?.problem.contains("update tensortop") == true)
        let notJSON = RunLoader.load(try RunFormat.file([.header(Synthetic.header)]) + RunFormatTestBytes.frame([0x4A] + Array("{}".utf8)), file: "d.ttrun")
        #expect(notJSON.damage?.problem.hasPrefix("a record is not valid JSON") == true)
        let badBatch = LossBatch(first: 0, points: Synthetic.losses(0..<3))
        var broken = badBatch
        broken.segments.removeLast()
        let columns = RunLoader.load(try RunFormat.file([.header(Synthetic.header), .losses(broken)]), file: "e.ttrun")
        #expect(columns.damage?.problem.contains("columns differ in length") == true)
        #expect(throws: RecordingProblem.self) { try ReplaySource(bytes: Array("hello".utf8), name: "f.txt") }
    }

    @Test func lossBatchesStoreStepDeltas() throws {
        let points = [LossPoint(step: 5, loss: 1, segment: 0), LossPoint(step: 6, loss: 2, segment: 0), LossPoint(step: 0, loss: 3, segment: 1)]
        let batch = LossBatch(first: 7, points: points)
        #expect(batch.firstStep == 5 && batch.stepDeltas == [1, -6] && batch.learningRates.isEmpty)
        #expect(try batch.points() == points)
        var overflow = batch
        overflow.firstStep = .max
        #expect(throws: RecordingProblem.self) { try overflow.points() }
    }
}

/// Hand-made frames, for damage the writer never makes.
enum RunFormatTestBytes {
    static func appendUInt32(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    /// A frame around `payload` with a correct checksum.
    static func frame(_ payload: [UInt8]) -> [UInt8] {
        var frame: [UInt8] = []
        appendUInt32(UInt32(payload.count), to: &frame)
        appendUInt32(crc(payload), to: &frame)
        return frame + payload
    }

    /// CRC-32 (IEEE, reflected), written out so the test does not trust the code it checks.
    static func crc(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

/// A branched run's loss points keep their branch through a recording; an unbranched run's
/// records have no branch column, and a record without one reads as branch A.
struct BranchedLossBatchTests {
    @Test func branchesSurviveARecordAndOldRecordsReadAsA() throws {
        let points = [LossPoint(step: 10, loss: 1, segment: 0), LossPoint(step: 11, loss: 0.9, segment: 0, branch: 1),
                      LossPoint(step: 11, loss: 0.95, segment: 0)]
        let batch = LossBatch(first: 0, points: points)
        #expect(batch.branches == [0, 1, 0])
        let decoded = try JSONDecoder().decode(LossBatch.self, from: JSONEncoder().encode(batch))
        #expect(try decoded.points() == points)
        let plain = LossBatch(first: 0, points: [points[0], points[2]])
        let json = String(decoding: try JSONEncoder().encode(plain), as: UTF8.self)
        #expect(!json.contains("branches"))
        let old = #"{"first":0,"firstStep":3,"stepDeltas":[1],"losses":[1,2],"segments":[0,0],"learningRates":[]}"#
        #expect(try JSONDecoder().decode(LossBatch.self, from: Data(old.utf8)).points().map(\.branch) == [0, 0])
        var hostile = batch
        hostile.branches = [0, -1, 0]
        #expect(throws: RecordingProblem.self) { try hostile.points() }
        hostile.branches = [0]
        #expect(throws: RecordingProblem.self) { try hostile.points() }
        #expect(!String(decoding: try JSONEncoder().encode(points[0]), as: UTF8.self).contains("branch"))
        #expect(String(decoding: try JSONEncoder().encode(points[1]), as: UTF8.self).contains(#""branch":1"#))
    }
}
