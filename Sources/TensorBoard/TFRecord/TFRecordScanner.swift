/// Finds the records of TFRecord framing in a byte buffer, checking both checksums.
///
/// A record is: length (UInt64, little-endian), masked CRC-32C of those 8 bytes, `length` bytes
/// of data, masked CRC-32C of the data. A header whose checksum fails is garbage: the scanner
/// reports it and resynchronises at the next offset whose header checks out. A record whose
/// data checksum fails is reported and skipped. A record cut off by the end of the buffer is
/// left for later (`decidedCount` stops before it): a file being written ends that way.
public struct TFRecordScanner: Sendable {
    /// What the scanner found, in file order.
    public enum Item: Equatable, Sendable {
        /// A whole record whose checksums match: its data's byte range in the buffer.
        case record(Range<Int>)
        /// Bytes that are not a valid record, from `offset` up to `resumedAt`, and why.
        case corrupt(offset: Int, resumedAt: Int, reason: String)
    }

    /// The result of one scan.
    public struct Scan: Sendable {
        public var items: [Item] = []
        /// Bytes from the start of the buffer that are decided (records or corrupt); the rest
        /// is an incomplete record or header, to be scanned again when more bytes arrive.
        public var decidedCount = 0
    }

    /// Bytes of a header (length and its checksum) and of the data checksum.
    public static let headerCount = 12, footerCount = 4

    /// The longest record accepted: a header claiming more is treated as garbage.
    public let maximumRecordCount: Int
    private let crc = CRC32C()

    /// A scanner that accepts records up to `maximumRecordCount` bytes (default 256 MiB: far
    /// more than any summary; a damaged length cannot make a reader hold more than that).
    public init(maximumRecordCount: Int = 1 << 28) {
        self.maximumRecordCount = maximumRecordCount
    }

    /// Scans `bytes` from `start`.
    public func scan(_ bytes: UnsafeRawBufferPointer, from start: Int = 0) -> Scan {
        var scan = Scan()
        scan.decidedCount = start
        var offset = start
        while true {
            switch header(bytes, at: offset) {
            case .incomplete:
                return scan
            case .valid(let length):
                let dataStart = offset + Self.headerCount
                guard bytes.count - dataStart >= length + Self.footerCount else { return scan }
                let data = UnsafeRawBufferPointer(rebasing: bytes[dataStart..<(dataStart + length)])
                let next = dataStart + length + Self.footerCount
                if crc.masked(data) == loadUInt32(bytes, at: dataStart + length) {
                    scan.items.append(.record(dataStart..<(dataStart + length)))
                } else {
                    scan.items.append(.corrupt(offset: offset, resumedAt: next,
                                               reason: "data checksum mismatch in a record of \(length) bytes"))
                }
                offset = next
                scan.decidedCount = next
            case .invalid(let reason):
                // Resynchronise: the next offset whose header checks out, or the end.
                var next = offset + 1
                var resumed = false
                while next + Self.headerCount <= bytes.count {
                    if case .valid = header(bytes, at: next) {
                        resumed = true
                        break
                    }
                    next += 1
                }
                if !resumed {
                    // Not enough bytes left to tell: keep the last header's worth for later.
                    next = Swift.max(offset + 1, bytes.count - Self.headerCount + 1)
                }
                scan.items.append(.corrupt(offset: offset, resumedAt: next, reason: reason))
                offset = next
                scan.decidedCount = next
            }
        }
    }

    private enum Header { case valid(Int), invalid(String), incomplete }

    private func header(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Header {
        guard bytes.count - offset >= Self.headerCount else { return .incomplete }
        let lengthBytes = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + 8)])
        guard crc.masked(lengthBytes) == loadUInt32(bytes, at: offset + 8) else {
            return .invalid("header checksum mismatch (not a record start)")
        }
        var length: UInt64 = 0
        for k in 0..<8 { length |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
        guard length <= UInt64(maximumRecordCount) else {
            return .invalid("record length \(length) is over the limit of \(maximumRecordCount) bytes")
        }
        return .valid(Int(length))
    }

    private func loadUInt32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}
