import CChecksums
import Foundation

/// CRC-32C (Castagnoli), the checksum of TFRecord framing, and TFRecord's masked form of it.
///
/// Reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF. With the CPU's CRC
/// instruction (x86-64 SSE 4.2, arm64 CRC) where it has one, about ten times faster; otherwise
/// eight bytes at a time through eight 256-entry tables ("slicing by 8"). Both give the same values.
public struct CRC32C: Sendable {
    /// `tables[k][b]`: the CRC of byte `b` followed by `k` zero bytes.
    private let tables: [[UInt32]]
    /// Whether `checksum` uses the CPU's instruction.
    public let usesHardware: Bool

    /// Builds the tables (a few microseconds; keep one and reuse it). `hardware: false` always
    /// uses the tables (tests compare the two).
    public init(hardware: Bool = true) {
        usesHardware = hardware && tt_crc32c_hardware_available() == 1
        var first = [UInt32](repeating: 0, count: 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            first[byte] = crc
        }
        var tables = [first]
        for k in 1..<8 {
            tables.append((0..<256).map { byte in
                let previous = tables[k - 1][byte]
                return (previous >> 8) ^ first[Int(previous & 0xFF)]
            })
        }
        self.tables = tables
    }

    /// The CRC-32C of `bytes`.
    public func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        if usesHardware {
            return tt_crc32c_hardware_update(0xFFFF_FFFF, bytes.baseAddress, bytes.count) ^ 0xFFFF_FFFF
        }
        var crc: UInt32 = 0xFFFF_FFFF
        var index = 0
        let count = bytes.count
        tables.withUnsafeBufferPointer { t in
            let (t0, t1, t2, t3) = (t[0], t[1], t[2], t[3])
            let (t4, t5, t6, t7) = (t[4], t[5], t[6], t[7])
            while index + 8 <= count {
                let low = crc ^ (UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8
                                 | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24)
                crc = t7[Int(low & 0xFF)] ^ t6[Int((low >> 8) & 0xFF)] ^ t5[Int((low >> 16) & 0xFF)] ^ t4[Int(low >> 24)]
                    ^ t3[Int(bytes[index + 4])] ^ t2[Int(bytes[index + 5])] ^ t1[Int(bytes[index + 6])] ^ t0[Int(bytes[index + 7])]
                index += 8
            }
            while index < count {
                crc = (crc >> 8) ^ t0[Int((crc ^ UInt32(bytes[index])) & 0xFF)]
                index += 1
            }
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// The CRC-32C of `bytes`.
    public func checksum(_ bytes: some ContiguousBytes) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// TFRecord's masked CRC: rotated right by 15 bits plus 0xA282EAD8, so that a CRC stored
    /// inside checksummed data does not checksum to a constant.
    public func masked(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let crc = checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}
