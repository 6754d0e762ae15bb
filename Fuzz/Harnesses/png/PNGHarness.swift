import CGzip
import Datasets
import FuzzSupport

/// libFuzzer entry point: the bytes as a PNG file, decoded and converted as `ImageFolder` does.
///
/// Chunk checksums are recomputed first: libpng rejects a chunk whose CRC is wrong, so without
/// this nearly every mutation would stop at the checksum and never reach the decoder.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    if let image = try? PNG.decode(withValidChunkCRCs(bytes), path: "fuzz.png") {
        _ = image.rgb()
        _ = image.grayscale()
    }
    return 0
}

/// `png` with each chunk's CRC (over its type and data) set to the right value.
private func withValidChunkCRCs(_ png: [UInt8]) -> [UInt8] {
    var out = png
    var position = 8  // after the signature
    while position + 12 <= out.count {
        let length = out[position..<(position + 4)].reduce(0) { $0 << 8 | Int($1) }
        let end = position + 8 + length
        guard end + 4 <= out.count else { break }
        let crc = out[(position + 4)..<end].withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) }
        for i in 0..<4 { out[end + i] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * i)) }
        position = end + 4
    }
    return out
}

/// The harness executable: libFuzzer's command line (`make fuzz` shows the options it uses).
@main enum PNGFuzzer {
    static func main() { runFuzzer(fuzzPNG) }
}
