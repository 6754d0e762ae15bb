import Foundation

/// Checks the offsets in a zip's directory before ZIPFoundation follows them.
///
/// ZIPFoundation converts the 64-bit offsets of a zip64 archive (where the central directory
/// starts, where each member's local header is) to `off_t` without a check, so an offset past
/// `Int64.max` in a hostile `.pth` stops the program. Every such offset must lie inside the
/// file anyway; this reads the end-of-directory records and the central directory (bounded by
/// the file's size) and refuses an archive whose offsets point outside it. Anything else that
/// is wrong with the zip is left to ZIPFoundation to report.
enum ZipDirectoryCheck {
    /// The largest central directory read: ~100 bytes a member, so room for millions of members.
    static let maxDirectoryBytes: UInt64 = 256 << 20

    /// Throws a `CheckpointError` naming `path` if an offset in the zip's directory lies outside the file.
    static func check(_ url: URL, path: String) throws {
        guard let file = try? FileHandle(forReadingFrom: url) else { return }
        defer { try? file.close() }
        guard let size = try? file.seekToEnd() else { return }
        func bad(_ problem: String) -> CheckpointError {
            CheckpointError(path, "the zip's directory is damaged or hostile: \(problem) (the file has \(size) bytes)")
        }
        // A read that fails is ZIPFoundation's to report: this check only looks for lies.
        func read(_ count: UInt64, at offset: UInt64) -> [UInt8]? {
            guard (try? file.seek(toOffset: offset)) != nil, let data = try? file.read(upToCount: Int(count)),
                  data.count == Int(count) else { return nil }
            return [UInt8](data)
        }
        func checkDirectory(size directorySize: UInt64, offset directoryOffset: UInt64) throws {
            guard directoryOffset <= size, directorySize <= size - directoryOffset else {
                throw bad("its central directory is said to take \(directorySize) bytes at offset \(directoryOffset)")
            }
        }

        // The end-of-central-directory record: 22 bytes plus a comment of up to 65,535.
        let tailLength = min(size, 22 + 0xFFFF)
        guard let tail = read(tailLength, at: size - tailLength),
              let end = stride(from: tail.count - 22, through: 0, by: -1).first(where: { tail.uint32(at: $0) == 0x0605_4B50 })
        else { return }
        var directoryOffset = UInt64(tail.uint32(at: end + 16))
        var directorySize = UInt64(tail.uint32(at: end + 12))
        // A zip64 locator, 20 bytes before it, points to the zip64 end record with 64-bit fields;
        // ZIPFoundation reads the record just before the locator, so both places are checked.
        if end >= 20, tail.uint32(at: end - 20) == 0x0706_4B50 {
            let recordOffset = tail.uint64(at: end - 20 + 8)
            guard recordOffset <= size, size - recordOffset >= 56 else {
                throw bad("its zip64 end record is said to be at offset \(recordOffset)")
            }
            let locatorOffset = size - tailLength + UInt64(end - 20)
            for offset in Set([recordOffset, locatorOffset >= 56 ? locatorOffset - 56 : recordOffset]).sorted() {
                guard let record = read(56, at: offset), record.uint32(at: 0) == 0x0606_4B50 else { continue }
                try checkDirectory(size: record.uint64(at: 40), offset: record.uint64(at: 48))
                (directorySize, directoryOffset) = (record.uint64(at: 40), record.uint64(at: 48))
            }
        }
        try checkDirectory(size: directorySize, offset: directoryOffset)
        guard directorySize <= maxDirectoryBytes else { throw bad("its central directory is said to take \(directorySize) bytes") }
        guard let directory = read(directorySize, at: directoryOffset) else { return }

        // Each member's entry: 46 fixed bytes, its name, extra fields and comment.
        var at = 0
        while at + 46 <= directory.count, directory.uint32(at: at) == 0x0201_4B50 {
            let nameLength = Int(directory.uint16(at: at + 28))
            let extraLength = Int(directory.uint16(at: at + 30))
            let commentLength = Int(directory.uint16(at: at + 32))
            var compressed = UInt64(directory.uint32(at: at + 20))
            var uncompressed = UInt64(directory.uint32(at: at + 24))
            var localHeader = UInt64(directory.uint32(at: at + 42))
            // The zip64 extra field (id 1) holds, in this order, each 32-bit field that reads 0xFFFFFFFF.
            var extra = at + 46 + nameLength
            let extraEnd = min(extra + extraLength, directory.count)
            while extra + 4 <= extraEnd {
                let id = directory.uint16(at: extra), length = Int(directory.uint16(at: extra + 2))
                if id == 1 {
                    var field = extra + 4
                    let fieldsEnd = min(field + length, extraEnd)
                    func widen(_ value: inout UInt64) {
                        guard value == 0xFFFF_FFFF, field + 8 <= fieldsEnd else { return }
                        value = directory.uint64(at: field)
                        field += 8
                    }
                    widen(&uncompressed)
                    widen(&compressed)
                    widen(&localHeader)
                }
                extra += 4 + length
            }
            // Sizes are checked against each storage later, with a clearer message.
            guard localHeader <= size else { throw bad("a member is said to start at offset \(localHeader)") }
            at += 46 + nameLength + extraLength + commentLength
        }
    }
}

private extension [UInt8] {
    func uint16(at offset: Int) -> UInt16 { UInt16(self[offset]) | UInt16(self[offset + 1]) << 8 }
    func uint32(at offset: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(self[offset + $1]) << (8 * $1) } }
    func uint64(at offset: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(self[offset + $1]) << (8 * $1) } }
}
