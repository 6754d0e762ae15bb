/// Where a recording stopped being readable, and why.
public struct RecordingDamage: Sendable, Equatable, CustomStringConvertible {
    /// The file's name as given (for messages).
    public var file: String
    /// The byte offset of the first frame that could not be read (everything before it was).
    public var offset: Int
    /// What is wrong there: `truncated frame`, `checksum mismatch`, …
    public var problem: String
    public init(file: String, offset: Int, problem: String) {
        self.file = file
        self.offset = offset
        self.problem = problem
    }
    public var description: String { "stopped at byte \(offset) of \(file): \(problem)" }
}

/// Splits a recording's bytes into records as they arrive, stopping at the first damage.
///
/// Feed it the file in pieces of any size (a followed file grows); it returns each whole frame's
/// record once. A partial last frame waits for more bytes (`finish` calls it truncated); a frame
/// with a bad length, checksum or payload is damage: reading stops there for good, and
/// everything before it stays valid. Memory: only the unread tail is kept.
public struct RunReader: Sendable {
    public let file: String
    /// Bytes consumed so far: the end of the last whole frame (the file offset of `pending`).
    public private(set) var offset = 0
    /// Set once reading stopped at damage; no record is returned after it.
    public private(set) var damage: RecordingDamage?
    /// Whether the magic number has been read.
    public private(set) var sawMagic = false
    private var pending: [UInt8] = []

    public init(file: String) { self.file = file }

    /// A whole frame's record and the file offset where its frame starts.
    public struct Frame: Sendable, Equatable {
        public var offset: Int
        public var record: RunRecord
    }

    /// Reads `bytes` (the next part of the file); returns the records of the frames it completes.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [Frame] {
        guard damage == nil else { return [] }
        pending.append(contentsOf: bytes)
        var records: [Frame] = []
        var start = 0
        defer {
            pending.removeFirst(start)
            offset += start
        }
        if !sawMagic {
            let have = Swift.min(pending.count, RunFormat.magic.count)
            guard pending.prefix(have).elementsEqual(RunFormat.magic.prefix(have)) else {
                damage = RecordingDamage(file: file, offset: 0, problem: "not a tensortop recording (no TTRUN magic number)")
                return []
            }
            guard have == RunFormat.magic.count else { return [] }
            sawMagic = true
            start = have
        }
        while pending.count - start >= RunFormat.frameHeaderBytes {
            let view = pending[start...]
            let length = Int(RunFormat.readUInt32(view, at: start))
            guard length >= 1, length <= RunFormat.maxFrameBytes else {
                damage = RecordingDamage(file: file, offset: offset + start,
                                         problem: "a frame claims \(length) bytes (frames hold 1 to \(RunFormat.maxFrameBytes))")
                return records
            }
            let end = start + RunFormat.frameHeaderBytes + length
            guard end <= pending.count else { break }
            let payload = pending[(start + RunFormat.frameHeaderBytes)..<end]
            guard RunFormat.checksum(payload) == RunFormat.readUInt32(view, at: start + 4) else {
                damage = RecordingDamage(file: file, offset: offset + start, problem: "checksum mismatch")
                return records
            }
            do {
                records.append(Frame(offset: offset + start, record: try RunFormat.decode(payload: payload)))
            } catch {
                damage = RecordingDamage(file: file, offset: offset + start, problem: error.description)
                return records
            }
            start = end
        }
        return records
    }

    /// Whether bytes of an incomplete frame (or magic number) are waiting for more.
    public var hasPartialFrame: Bool { damage == nil && !pending.isEmpty }

    /// The file ended: a partial frame left over is damage (`truncated frame`).
    public mutating func finish() {
        guard damage == nil, !pending.isEmpty || !sawMagic else { return }
        let problem = sawMagic ? "truncated frame (\(pending.count) bytes of an incomplete frame)"
                               : "truncated before the end of the magic number"
        damage = RecordingDamage(file: file, offset: offset, problem: problem)
    }

    /// Marks damage found in a whole frame's record (e.g. a record out of place), at `offset`.
    public mutating func reject(at offset: Int, _ problem: String) {
        guard damage == nil else { return }
        damage = RecordingDamage(file: file, offset: offset, problem: problem)
        pending.removeAll()
    }
}
