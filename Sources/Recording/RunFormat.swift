import CGzip
import Foundation
import Telemetry

/// The byte layout of a `.ttrun` file: a magic number, then length-and-checksum frames.
///
///     file    = magic frame*
///     magic   = "TTRUN" 0x0D 0x0A 0x1A                 (8 bytes)
///     frame   = length:u32le crc:u32le payload         (crc = CRC-32 of payload, as zlib computes it)
///     payload = 0x4A json                              ("J": the record's JSON as it is)
///             | 0x5A size:u32le zlib                   ("Z": a zlib stream inflating to `size` bytes of JSON)
///
/// `length` counts the payload's bytes (1 … `maxFrameBytes`); the JSON is one `RunRecord` as
/// `TelemetryCoding.encoder()` writes it. docs/TELEMETRY.md describes every record.
public enum RunFormat {
    /// The 8 bytes every recording starts with (PNG-like: a line ending and ^Z catch text-mode copies).
    public static let magic: [UInt8] = Array("TTRUN".utf8) + [0x0D, 0x0A, 0x1A]
    /// Bytes before a frame's payload: length and checksum.
    public static let frameHeaderBytes = 8
    /// The longest payload a reader accepts (64 MiB); a longer length is damage, never allocated.
    public static let maxFrameBytes = 64 << 20
    /// The longest JSON a compressed payload may inflate to (64 MiB).
    public static let maxRecordBytes = 64 << 20
    /// Payloads shorter than this are stored as they are (compression would not pay).
    static let compressFrom = 256

    static let plainTag: UInt8 = 0x4A
    static let deflatedTag: UInt8 = 0x5A

    /// The frame holding `record`; compressed if that pays, unless `compress` is false.
    public static func frame(_ record: RunRecord, compress: Bool = true) throws -> [UInt8] {
        let json = [UInt8](try TelemetryCoding.encoder().encode(record))
        var payload: [UInt8]
        if compress, json.count >= compressFrom, let deflated = deflate(json) {
            payload = [deflatedTag]
            appendUInt32(UInt32(json.count), to: &payload)
            payload += deflated
        } else {
            payload = [plainTag] + json
        }
        guard payload.count <= maxFrameBytes else {
            throw RecordingProblem("a record of \(json.count) bytes is larger than a frame may be (\(maxFrameBytes) bytes)")
        }
        var frame: [UInt8] = []
        frame.reserveCapacity(frameHeaderBytes + payload.count)
        appendUInt32(UInt32(payload.count), to: &frame)
        appendUInt32(checksum(payload[...]), to: &frame)
        frame += payload
        return frame
    }

    /// A whole file holding `records` (the first should be a `header`): for tests and tools.
    public static func file(_ records: [RunRecord], compress: Bool = true) throws -> [UInt8] {
        try records.reduce(into: magic) { $0 += try frame($1, compress: compress) }
    }

    /// The record a payload holds, or what is wrong with it.
    static func decode(payload: ArraySlice<UInt8>) throws(RecordingProblem) -> RunRecord {
        guard let tag = payload.first else { throw RecordingProblem("an empty frame") }
        let json: [UInt8]
        switch tag {
        case plainTag:
            json = Array(payload.dropFirst())
        case deflatedTag:
            guard payload.count >= 5 else { throw RecordingProblem("a compressed frame too short for its size field") }
            let size = Int(readUInt32(payload, at: payload.startIndex + 1))
            let compressed = payload.dropFirst(5)
            // deflate expands at most ~1032-fold: a larger claim is a lie, not worth allocating for.
            guard size <= maxRecordBytes, size <= compressed.count * 1032 else {
                throw RecordingProblem("a compressed frame claims \(size) bytes of JSON from \(compressed.count) compressed bytes")
            }
            guard let inflated = inflate(compressed, size: size) else {
                throw RecordingProblem("a compressed frame does not inflate to its \(size) bytes")
            }
            json = inflated
        default:
            throw RecordingProblem("unknown payload encoding 0x\(String(tag, radix: 16))")
        }
        do {
            return try TelemetryCoding.decoder().decode(RunRecord.self, from: Data(json))
        } catch {
            throw RecordingProblem("a record is not valid JSON for its schema (\(TelemetryCoding.describe(error)))")
        }
    }

    // MARK: Bytes

    /// CRC-32 (zlib's) of `bytes`.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            UInt32(truncatingIfNeeded: crc32(0, buffer.baseAddress, UInt32(buffer.count)))
        }
    }

    static func appendUInt32(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    /// The little-endian u32 at `index` (the caller checked that 4 bytes are there).
    static func readUInt32(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[index + $1]) << UInt32(8 * $1) }
    }

    /// `bytes` as one zlib stream (zlib's one-call `compress2`, fastest level: snapshots are
    /// written while training runs), or nil if zlib fails.
    static func deflate(_ bytes: [UInt8]) -> [UInt8]? {
        var size = compressBound(UInt(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(size))
        let status = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &size, input.baseAddress, UInt(input.count), 1)
            }
        }
        guard status == Z_OK else { return nil }
        output.removeSubrange(Int(size)...)
        return output
    }

    /// The `size` bytes `compressed` inflates to, or nil when it is not exactly that (damage).
    static func inflate(_ compressed: ArraySlice<UInt8>, size: Int) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: Swift.max(size, 1))
        var produced = UInt(size)
        let status = output.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { input in
                uncompress(out.baseAddress, &produced, input.baseAddress, UInt(input.count))
            }
        }
        guard status == Z_OK, produced == UInt(size) else { return nil }
        output.removeSubrange(size...)
        return output
    }
}
