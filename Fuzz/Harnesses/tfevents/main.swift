import Foundation
import FuzzSupport
@testable import TensorBoard

/// libFuzzer entry point: the bytes as a TensorBoard event file, scanned whole and in two
/// pieces (as a followed file grows), every record decoded as an `Event` and turned into
/// board records, as `LogDirectory` does.
///
/// Record checksums are recomputed first (as the ttrun harness does with frame CRCs):
/// otherwise nearly every mutation would stop at a checksum and never reach the protobuf decoder.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTFEvents(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = withValidChecksums(fuzzInput(data, size))
    let scanner = TFRecordScanner(maximumRecordCount: 1 << 20)
    let half = bytes.count / 2
    let first = bytes[..<half].withUnsafeBytes { scanner.scan($0) }
    _ = bytes.withUnsafeBytes { scanner.scan($0, from: first.decidedCount) }
    let whole = bytes.withUnsafeBytes { scanner.scan($0) }
    var run = BoardRun(name: "fuzz")
    for case .record(let range) in whole.items {
        guard let event = try? TBEvent(serializedBytes: Data(bytes[range])) else { continue }
        for record in EventDecoding.records(of: event).records {
            run.add(record, limits: SamplingLimits(scalars: 4, histograms: 2, images: 1, texts: 1))
        }
    }
    return 0
}

/// `file` with each whole record's two checksums set to the right values.
private func withValidChecksums(_ file: [UInt8]) -> [UInt8] {
    var bytes = file
    let crc = CRC32C()
    var offset = 0
    while offset + TFRecordScanner.headerCount <= bytes.count {
        var length = 0
        for k in 0..<8 { length |= Int(bytes[offset + k]) << (8 * k) }
        guard length >= 0, length <= bytes.count else { break }
        let lengthCRC = bytes[offset..<(offset + 8)].withUnsafeBytes { crc.masked($0) }
        store(lengthCRC, into: &bytes, at: offset + 8)
        let dataStart = offset + TFRecordScanner.headerCount
        guard dataStart + length + TFRecordScanner.footerCount <= bytes.count else { break }
        let dataCRC = bytes[dataStart..<(dataStart + length)].withUnsafeBytes { crc.masked($0) }
        store(dataCRC, into: &bytes, at: dataStart + length)
        offset = dataStart + length + TFRecordScanner.footerCount
    }
    return bytes
}

private func store(_ value: UInt32, into bytes: inout [UInt8], at offset: Int) {
    for k in 0..<4 { bytes[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
}

/// The harness executable: libFuzzer's command line (`make fuzz` shows the options it uses).
@main enum TFEventsFuzzer {
    static func main() { runFuzzer(fuzzTFEvents) }
}
