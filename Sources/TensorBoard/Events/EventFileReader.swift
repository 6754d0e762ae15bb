import Foundation

/// Something wrong in an event file: which file, where, and what.
public struct EventFileProblem: Equatable, Sendable, CustomStringConvertible {
    public var path: String
    /// Byte offset in the file.
    public var offset: Int
    public var message: String

    public var description: String { "\(path) at byte \(offset): \(message)" }
}

/// Reads one event file incrementally: each `readNew()` returns the records appended since the last.
///
/// The file is read in chunks (memory stays bounded whatever its size); a record cut off by the
/// end of the file is left for the next call, so a file that is being written is followed
/// without errors. Damaged bytes are reported with their offset and skipped.
public final class EventFileReader {
    /// What one `readNew()` found.
    public struct Batch: Sendable {
        public var records: [BoardRecord] = []
        public var problems: [EventFileProblem] = []
        /// Values of kinds TensorTop does not show (audio, graphs, …).
        public var skippedValues = 0
        /// Bytes at the end of the file that do not make a whole record yet (after a complete read).
        public var pendingBytes = 0
        /// Bytes left unread because the call's `maxBytes` was reached.
        public var unreadBytes = 0
        /// The file had become shorter than what was read: it was replaced, and reading started again at 0.
        public var restarted = false
    }

    public let path: String
    /// Bytes from the start of the file already read (whole records and skipped damage).
    public private(set) var offset = 0
    /// The file's version record ("brain.Event:2"), once seen.
    public private(set) var fileVersion: String?
    private let chunkBytes: Int
    private let scanner = TFRecordScanner()

    /// A reader of `path` that reads at most `chunkBytes` at a time (grown for a longer record).
    public init(path: String, chunkBytes: Int = 8 << 20) {
        self.path = path
        self.chunkBytes = Swift.max(chunkBytes, TFRecordScanner.headerCount)
    }

    /// Reads the records appended since the last call, returned in the batch.
    /// - Throws: `CocoaError` when the file cannot be opened or read.
    public func readNew() throws -> Batch {
        var records: [BoardRecord] = []
        var batch = try readNew { records.append($0) }
        batch.records = records
        return batch
    }

    /// Reads the records appended since the last call, handing each to `consume` as it is decoded
    /// (memory stays bounded by the chunk size, however much was appended); `records` stays empty.
    /// With `maxBytes`, stops after about that many bytes (whole chunks): the rest is read by the
    /// next call, so a caller can draw between parts of a large file (`Batch.unreadBytes` says how much is left).
    /// - Throws: `CocoaError` when the file cannot be opened or read.
    public func readNew(maxBytes: Int = .max, _ consume: (BoardRecord) -> Void) throws -> Batch {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let size = Int(try handle.seekToEnd())
        var batch = Batch()
        if size < offset {
            // The file was replaced by a shorter one: start again.
            offset = 0
            batch.restarted = true
        }
        // Chunks no larger than the budget (a record longer than a chunk grows it, below).
        let chunk = Swift.min(chunkBytes, Swift.max(TFRecordScanner.headerCount, maxBytes))
        var want = chunk
        let start = offset
        while offset < size && offset - start < maxBytes {
            try handle.seek(toOffset: UInt64(offset))
            guard let data = try handle.read(upToCount: Swift.min(want, size - offset)), !data.isEmpty else { break }
            let scan = data.withUnsafeBytes { scanner.scan($0) }
            for item in scan.items {
                switch item {
                case .record(let range):
                    decode(data[data.startIndex + range.lowerBound ..< data.startIndex + range.upperBound],
                           at: offset + range.lowerBound - TFRecordScanner.headerCount, into: &batch, consume)
                case .corrupt(let at, let resumedAt, let reason):
                    batch.problems.append(EventFileProblem(
                        path: path, offset: offset + at,
                        message: "\(reason); skipped \(resumedAt - at) bytes"))
                }
            }
            if scan.decidedCount == 0 {
                // Not one whole record in the chunk: a longer record, or the file's unfinished end.
                if data.count == size - offset { break }
                want = Swift.min(size - offset, want * 2)
                continue
            }
            offset += scan.decidedCount
            want = chunk
            if data.count == size - offset + scan.decidedCount && scan.decidedCount < data.count { break }
        }
        if offset - start >= maxBytes && offset < size {
            batch.unreadBytes = size - offset
        } else {
            batch.pendingBytes = size - offset
        }
        return batch
    }

    private func decode(_ bytes: Data, at recordOffset: Int, into batch: inout Batch, _ consume: (BoardRecord) -> Void) {
        guard let event = try? TBEvent(serializedBytes: bytes) else {
            batch.problems.append(EventFileProblem(path: path, offset: recordOffset, message: "record is not an event (protobuf decoding failed); skipped"))
            return
        }
        if case .fileVersion(let version)? = event.what { fileVersion = version }
        let decoded = EventDecoding.records(of: event)
        decoded.records.forEach(consume)
        batch.skippedValues += decoded.skipped
    }
}
