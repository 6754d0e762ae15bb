import Foundation

/// Why a connection's bytes cannot be read as frames (docs/TELEMETRY.md, "The wire").
public struct WireProblem: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The frames of one connection: `length:u32le json[length]`, in both directions.
public enum WireFrame {
    /// The largest payload a frame may carry (64 MiB), as in recordings.
    public static let maxPayload = 64 << 20

    /// The frame that carries `payload` (1 to `maxPayload` bytes).
    public static func encode(_ payload: Data) -> Data {
        precondition(!payload.isEmpty && payload.count <= maxPayload, "a frame carries 1 to \(maxPayload) bytes")
        var frame = Data(capacity: 4 + payload.count)
        let length = UInt32(payload.count)
        frame.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)])
        frame.append(payload)
        return frame
    }
}

/// Collects a connection's bytes as they arrive and hands out whole frames' payloads.
///
/// A length of 0 or above `WireFrame.maxPayload` is a problem as soon as its four bytes are in:
/// the reader never allocates for a claimed size, only for bytes that arrived.
public struct WireFrameReader {
    private var pending = Data()
    /// Bytes received but not yet handed out as frames.
    public var bufferedCount: Int { pending.count }

    public init() {}

    /// Adds bytes read from the connection.
    public mutating func append(_ bytes: Data) { pending.append(bytes) }

    /// The next whole frame's payload, nil until one has arrived, or the problem with the next frame.
    public mutating func next() throws(WireProblem) -> Data? {
        guard pending.count >= 4 else { return nil }
        let start = pending.startIndex
        let length = Int(pending[start]) | Int(pending[start + 1]) << 8 | Int(pending[start + 2]) << 16 | Int(pending[start + 3]) << 24
        guard length >= 1, length <= WireFrame.maxPayload else {
            throw WireProblem("a frame claims \(length) bytes (frames hold 1 to \(WireFrame.maxPayload))")
        }
        guard pending.count >= 4 + length else { return nil }
        let payload = Data(pending[(start + 4)..<(start + 4 + length)])
        pending = Data(pending[(start + 4 + length)...])
        return payload
    }
}
