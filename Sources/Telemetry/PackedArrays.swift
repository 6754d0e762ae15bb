import Foundation

/// Large arrays in their compact JSON form: base64 of their bytes instead of one JSON number each.
///
/// Float arrays are packed as little-endian IEEE 754 binary32 (4 bytes a value, NaN payloads and
/// infinities bit-exact), bytes as themselves; `JSONEncoder` writes the packed `Data` as base64.
/// Readers also take a plain JSON array (what a probe in another language may send more easily),
/// so either form is valid for these fields (docs/TELEMETRY.md).
enum PackedArray {
    /// `floats` as little-endian binary32 bytes.
    static func bytes(of floats: [Float]) -> Data {
        var data = Data(count: floats.count * 4)
        data.withUnsafeMutableBytes { raw in
            for (i, value) in floats.enumerated() {
                raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: i * 4, as: UInt32.self)
            }
        }
        return data
    }

    /// The floats packed in `data`, or nil when its length is not a whole number of floats.
    static func floats(from data: Data) -> [Float]? {
        guard data.count % 4 == 0 else { return nil }
        return data.withUnsafeBytes { raw in
            (0..<raw.count / 4).map { i in
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
            }
        }
    }
}

extension KeyedEncodingContainer {
    /// Writes `floats` as a base64 string of their little-endian binary32 bytes.
    mutating func encodePacked(_ floats: [Float], forKey key: Key) throws {
        try encode(PackedArray.bytes(of: floats), forKey: key)
    }

    /// Writes `bytes` as a base64 string.
    mutating func encodePacked(_ bytes: [UInt8], forKey key: Key) throws {
        try encode(Data(bytes), forKey: key)
    }
}

extension KeyedDecodingContainer {
    /// The floats under `key`: a base64 string of little-endian binary32 bytes or a JSON number
    /// array; `fallback` when absent or null. Malformed base64, or bytes that are not a whole
    /// number of floats, is a decoding error naming the field.
    func packedFloats(_ key: Key, or fallback: @autoclosure () -> [Float]) throws -> [Float] {
        guard let data = try packedData(key) else { return try value(key, or: fallback()) }
        guard let floats = PackedArray.floats(from: data) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "\(data.count) bytes are not a whole number of 4-byte floats")
        }
        return floats
    }

    /// The bytes under `key`: a base64 string or a JSON array of integers 0…255.
    func packedBytes(_ key: Key) throws -> [UInt8] {
        guard let data = try packedData(key) else { return try decode([UInt8].self, forKey: key) }
        return [UInt8](data)
    }

    /// The base64 string under `key` decoded, or nil when the value there is not a string.
    private func packedData(_ key: Key) throws -> Data? {
        guard let text = try? decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "not base64 (\(text.count) characters)")
        }
        return data
    }
}
