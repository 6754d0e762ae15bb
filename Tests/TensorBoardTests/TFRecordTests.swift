import Testing
import TensorBoard

/// CRC-32C against published check values, and TFRecord framing read back through the scanner,
/// with garbage, a damaged record and a cut-off tail.
@Suite struct TFRecordTests {
    let crc = CRC32C()

    /// RFC 3720's check values (B.4) and the usual "123456789".
    @Test func checksumsMatchPublishedValues() {
        #expect(crc.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(crc.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(crc.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(crc.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(crc.checksum([UInt8]()) == 0)
    }

    /// The CPU's CRC instruction (where there is one) and the tables agree on every length and
    /// alignment; both give the published values.
    @Test func hardwareAndTablesAgree() {
        let tables = CRC32C(hardware: false)
        var generator = SplitMix64(seed: 7)
        let bytes = (0..<4099).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        for start in 0..<9 {
            for count in [0, 1, 7, 8, 9, 15, 16, 63, 64, 65, 1000, 4090] {
                let slice = Array(bytes[start..<(start + count)])
                #expect(crc.checksum(slice) == tables.checksum(slice), "start \(start), count \(count)")
            }
        }
        #expect(tables.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(!tables.usesHardware)
    }

    /// Three records framed and scanned back, whole and from every cut-off length.
    @Test func framedRecordsScanBack() {
        let payloads: [[UInt8]] = [Array("brain.Event:2".utf8), [], (0..<300).map { UInt8($0 % 251) }]
        let framer = TFRecordFramer()
        let bytes = payloads.flatMap { framer.frame($0) }
        let scanner = TFRecordScanner()
        let whole = bytes.withUnsafeBytes { scanner.scan($0) }
        #expect(whole.decidedCount == bytes.count)
        #expect(whole.items.map { item in
            guard case .record(let range) = item else { return [UInt8]() }
            return Array(bytes[range])
        } == payloads)
        // Any prefix decides exactly the whole records it holds and reports nothing corrupt.
        let ends = payloads.reduce(into: [0]) { $0.append($0.last! + $1.count + 16) }
        for cut in 0...bytes.count {
            let scan = bytes[..<cut].withUnsafeBytes { scanner.scan($0) }
            #expect(scan.decidedCount == ends.last { $0 <= cut }, "cut at \(cut)")
            #expect(scan.items.allSatisfy { if case .record = $0 { true } else { false } }, "cut at \(cut)")
        }
    }

    /// Garbage between records is reported once with its offset and skipped; a record whose
    /// data was damaged is reported and skipped; reading goes on after both.
    @Test func corruptionIsReportedAndSkipped() {
        let framer = TFRecordFramer()
        let first = framer.frame(Array("one".utf8)), second = framer.frame(Array("two".utf8))
        let third = framer.frame(Array("three".utf8))
        var damaged = second
        damaged[13] ^= 0x40
        let garbage: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
        let bytes = first + garbage + damaged + third
        let scan = bytes.withUnsafeBytes { TFRecordScanner().scan($0) }
        #expect(scan.decidedCount == bytes.count)
        #expect(scan.items.count == 4)
        guard scan.items.count == 4 else { return }
        #expect(scan.items[0] == .record(12..<15))
        guard case .corrupt(let offset, let resumed, let reason) = scan.items[1] else {
            Issue.record("expected the garbage to be reported")
            return
        }
        #expect(offset == first.count)
        #expect(resumed == first.count + garbage.count)
        #expect(reason.contains("header checksum"))
        guard case .corrupt(let recordOffset, _, let recordReason) = scan.items[2] else {
            Issue.record("expected the damaged record to be reported")
            return
        }
        #expect(recordOffset == first.count + garbage.count)
        #expect(recordReason.contains("data checksum"))
        let start = first.count + garbage.count + damaged.count + 12
        #expect(scan.items[3] == .record(start..<(start + 5)))
    }

    /// A header claiming more than the limit is garbage, not a record to wait for.
    @Test func overlongLengthIsGarbage() {
        let framed = TFRecordFramer().frame([UInt8](repeating: 7, count: 64))
        let scan = framed.withUnsafeBytes { TFRecordScanner(maximumRecordCount: 32).scan($0) }
        guard case .corrupt(0, _, let reason)? = scan.items.first else {
            Issue.record("expected the long record to be refused")
            return
        }
        #expect(reason.contains("over the limit"))
    }
}
