import Foundation
import NN

/// The safetensors format: an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the tensor bytes.
enum Safetensors {
    /// The largest header accepted (the reference implementation's limit).
    static let maxHeaderSize = 100_000_000

    /// One tensor's header entry.
    struct Entry: Codable {
        var dtype: String
        var shape: [Int]
        var data_offsets: [Int]
    }

    /// The header: tensors by name plus optional string metadata.
    struct Header: Decodable {
        var entries: [(String, Entry)] = []
        var metadata: [String: String] = [:]

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            // A repeated key reaches us once (JSONDecoder keeps the last); the bytes of the
            // other copy then show up as unused and the file is refused, as the reference
            // library refuses it.
            for key in container.allKeys {
                if key.stringValue == "__metadata__" {
                    metadata = try container.decode([String: String].self, forKey: key)
                } else {
                    entries.append((key.stringValue, try container.decode(Entry.self, forKey: key)))
                }
            }
        }
    }

    /// Parses and validates a whole file; every inconsistency is an error naming `path`.
    static func decode(_ data: Data, path: String) throws -> Checkpoint {
        func fail(_ problem: String) -> CheckpointError { CheckpointError(path, "not a valid safetensors file: \(problem)") }
        guard data.count >= 8 else { throw fail("the file has \(data.count) bytes, fewer than the 8-byte header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(maxHeaderSize) else { throw fail("the header claims \(headerLength) bytes (limit \(maxHeaderSize))") }
        guard 8 + Int(headerLength) <= data.count else {
            throw fail("the header claims \(headerLength) bytes but the file has only \(data.count - 8) after the length (truncated?)")
        }
        let headerBytes = data.subdata(in: data.startIndex + 8 ..< data.startIndex + 8 + Int(headerLength))
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: headerBytes)
        } catch {
            throw fail("the header is not the expected JSON (\(Self.describe(error)))")
        }
        let dataStart = 8 + Int(headerLength)
        let dataSize = data.count - dataStart
        var records: [(begin: Int, end: Int, record: TensorRecord)] = []
        for (name, entry) in header.entries {
            let quoted = "'\(name.escapedForTerminal)'"
            guard let type = ElementType(rawValue: entry.dtype) else {
                throw fail("tensor \(quoted) has unknown dtype '\(entry.dtype.escapedForTerminal)'")
            }
            guard entry.shape.allSatisfy({ $0 >= 0 }) else { throw fail("tensor \(quoted) has a negative dimension in shape \(entry.shape)") }
            guard let needed = SizeCheck.byteCount(entry.shape, type) else {
                throw fail("tensor \(quoted) has shape \(entry.shape), whose size overflows a 64-bit integer")
            }
            guard entry.data_offsets.count == 2 else { throw fail("tensor \(quoted) needs data_offsets [begin, end], got \(entry.data_offsets)") }
            let (begin, end) = (entry.data_offsets[0], entry.data_offsets[1])
            guard begin >= 0, begin <= end else { throw fail("tensor \(quoted) has invalid data_offsets \(entry.data_offsets)") }
            guard end - begin == needed else {
                throw fail("tensor \(quoted) (\(entry.dtype) \(entry.shape)) needs \(needed) bytes but data_offsets \(entry.data_offsets) span \(end - begin)")
            }
            guard end <= dataSize else {
                throw fail("tensor \(quoted) ends at byte \(end) but the data section has only \(dataSize) bytes (truncated?)")
            }
            let bytes = [UInt8](data[(data.startIndex + dataStart + begin)..<(data.startIndex + dataStart + end)])
            records.append((begin, end, TensorRecord(name: name, type: type, shape: entry.shape, bytes: bytes)))
        }
        // File order; a 0-element tensor shares its offset with the next one, so the end and
        // then the name break ties and the order never depends on the sort algorithm.
        records.sort { ($0.begin, $0.end, $0.record.name) < ($1.begin, $1.end, $1.record.name) }
        var position = 0
        for (begin, end, record) in records {
            let quoted = "'\(record.name.escapedForTerminal)'"
            guard begin >= position else { throw fail("tensor \(quoted) overlaps the tensor before it (starts at \(begin), previous ends at \(position))") }
            guard begin == position else { throw fail("the data section has unused bytes \(position)..<\(begin) before tensor \(quoted)") }
            position = end
        }
        guard position == dataSize else { throw fail("the data section has \(dataSize - position) bytes after the last tensor") }
        return Checkpoint(records: records.map(\.record), metadata: header.metadata)
    }

    /// Whether `data` continues after its 8-byte header length with the `{` that opens a
    /// safetensors header (what tells it from a legacy pickle when the length's first byte is 0x80).
    static func hasHeaderStart(_ data: Data) -> Bool {
        data.count > 8 && data[data.startIndex + 8] == UInt8(ascii: "{")
    }

    /// The file bytes: header padded with spaces to a multiple of 8, then tensors in order.
    static func encode(_ checkpoint: Checkpoint) throws -> Data {
        var json = "{"
        var parts: [String] = []
        if !checkpoint.metadata.isEmpty {
            let metadata = try JSONEncoder.sorted.encode(checkpoint.metadata)
            parts.append("\"__metadata__\":" + String(decoding: metadata, as: UTF8.self))
        }
        var offset = 0
        for record in checkpoint.records {
            let entry = Entry(dtype: record.type.rawValue, shape: record.shape, data_offsets: [offset, offset + record.bytes.count])
            let name = try JSONEncoder.sorted.encode(record.name)
            parts.append(String(decoding: name, as: UTF8.self) + ":" + String(decoding: try JSONEncoder.sorted.encode(entry), as: UTF8.self))
            offset += record.bytes.count
        }
        json += parts.joined(separator: ",") + "}"
        var header = Array(json.utf8)
        while (8 + header.count) % 8 != 0 { header.append(0x20) }
        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for record in checkpoint.records { data.append(contentsOf: record.bytes) }
        return data
    }

    /// A short description of a decoding error (the JSON position or the missing field).
    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): return context.debugDescription
        case DecodingError.keyNotFound(let key, let context):
            return "missing '\(key.stringValue)' at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let context):
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}

extension JSONEncoder {
    /// An encoder with sorted keys, so files are byte-identical for the same content.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
