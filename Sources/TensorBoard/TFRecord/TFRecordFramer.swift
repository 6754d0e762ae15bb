/// Frames records the TFRecord way (length, its masked CRC-32C, data, the data's masked CRC-32C).
public struct TFRecordFramer: Sendable {
    private let crc = CRC32C()

    public init() {}

    /// The framed bytes of one record holding `data`.
    public func frame(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + TFRecordScanner.headerCount + TFRecordScanner.footerCount)
        var length = UInt64(data.count).littleEndian
        let lengthBytes = withUnsafeBytes(of: &length) { Array($0) }
        out += lengthBytes
        out += littleEndianBytes(lengthBytes.withUnsafeBytes { crc.masked($0) })
        out += data
        out += littleEndianBytes(data.withUnsafeBytes { crc.masked($0) })
        return out
    }

    private func littleEndianBytes(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8(value >> 24)]
    }
}
