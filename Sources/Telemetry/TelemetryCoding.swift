import Foundation

/// The one JSON form of snapshots, events and commands, for recordings and (next) the wire.
///
/// Non-finite numbers are written as the strings `"nan"`, `"inf"` and `"-inf"` (a diverged
/// loss is NaN, and JSON has no such numbers); keys are sorted so equal values give equal
/// bytes. docs/TELEMETRY.md documents the schema.
public enum TelemetryCoding {
    /// The schema version written into every recording header; readers refuse newer majors.
    public static let schemaVersion = 1

    /// A JSON encoder for telemetry values.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// A JSON decoder that reads what `encoder()` writes.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// A decoding error in one line, naming the field where there is one.
    public static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return (path.isEmpty ? "" : "at \(path): ") + context.debugDescription
        @unknown default:
            return "\(error)"
        }
    }
}
