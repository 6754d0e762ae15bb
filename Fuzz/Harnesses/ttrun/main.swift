import CGzip
import Foundation
import FuzzSupport
import Recording
import Telemetry

/// libFuzzer entry point: the bytes as a `.ttrun` recording, read whole and in two pieces (as a
/// followed file grows), then replayed through the source contract at its first, middle and
/// last snapshot, as `tensortop replay` does.
///
/// Frame checksums are recomputed first (as the png harness does with chunk CRCs): otherwise
/// nearly every mutation would stop at the checksum and never reach the records.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTTRun(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = withValidChecksums(fuzzInput(data, size))
    var pieces = RunLoader(file: "fuzz.ttrun")
    pieces.feed(bytes.prefix(size / 2))
    pieces.feed(bytes.dropFirst(size / 2))
    pieces.finish()
    guard let replay = try? ReplaySource(bytes: bytes, name: "fuzz.ttrun", playing: true) else { return 0 }
    _ = replay.capabilities
    for move in [TimelineMove.first, .by(Int.max), .to(Int.min), .to(1), .last, .by(-1)] {
        replay.send(.seek(move))
        if let snapshot = replay.latestSnapshot() {
            _ = snapshot.parameterCount
            _ = snapshot.batch?.imageSize
            _ = snapshot.parameters.map(\.gradientTileCount)
        }
        _ = replay.losses(from: Int.max)
        _ = replay.losses(from: 0)
        _ = replay.takeEvents()
    }
    replay.send(.setSpeed(stepsPerSecond: nil))
    replay.send(.togglePause)
    _ = replay.latestSnapshot()
    return 0
}

/// `run` with each whole frame's checksum set to the right value.
private func withValidChecksums(_ run: [UInt8]) -> [UInt8] {
    var out = run
    var position = RunFormat.magic.count
    while position + RunFormat.frameHeaderBytes <= out.count {
        let length = (0..<4).reduce(0) { $0 | Int(out[position + $1]) << (8 * $1) }
        let end = position + RunFormat.frameHeaderBytes + length
        guard end <= out.count else { break }
        let crc = out[(position + 8)..<end].withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) }
        for i in 0..<4 { out[position + 4 + i] = UInt8(truncatingIfNeeded: crc >> (8 * i)) }
        position = end
    }
    return out
}

/// The harness executable: libFuzzer's command line (`make fuzz` shows the options it uses).
@main enum TTRunFuzzer {
    static func main() { runFuzzer(fuzzTTRun) }
}
