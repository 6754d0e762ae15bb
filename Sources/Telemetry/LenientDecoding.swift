import Foundation

/// Decoding that tolerates absent fields, so a reader takes what an older writer (or a peer
/// that knows less, such as a PyTorch probe) leaves out: additions to schema version 1 are
/// optional with these defaults (docs/TELEMETRY.md).
extension KeyedDecodingContainer {
    /// The value under `key`, or `fallback` when the key is absent or null.
    func value<T: Decodable>(_ key: Key, or fallback: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback()
    }
}
