import FileWriting
import Foundation

/// An append-only recording file: created exclusively, written frame by frame, readable at
/// every moment up to its last whole frame.
///
/// Not an `AtomicFile`: a recording must be readable (and followable) while it is written, and
/// a killed run must leave what it wrote. Each frame goes out in one `write`, so a reader sees
/// whole frames or a partial last one, never a hole. `close` syncs the file to disk.
struct RunFileWriter {
    let path: String
    private let handle: FileHandle
    /// Bytes written so far.
    private(set) var size: Int

    /// Creates `url` (refusing an existing file unless `overwrite`; never following a link) and
    /// writes the magic number.
    init(creating url: URL, overwrite: Bool) throws(FileWriteError) {
        path = url.path
        let flags = O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL)
        let fd = open(url.path, flags, 0o666)
        guard fd >= 0 else {
            let reason = errno
            if reason == EEXIST {
                throw FileWriteError(url.path, "already exists; choose another name, or remove it first (a recording is never overwritten unless asked)")
            }
            throw FileWriteError(url.path, "cannot create the recording (\(String(cString: strerror(reason))))")
        }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        size = 0
        try append(RunFormat.magic)
    }

    /// Appends `bytes` (one or more whole frames).
    mutating func append(_ bytes: [UInt8]) throws(FileWriteError) {
        do {
            try handle.write(contentsOf: bytes)
        } catch {
            throw FileWriteError(path, "cannot write the recording (\(error.localizedDescription)); recording stopped")
        }
        size += bytes.count
    }

    /// Syncs the file to disk and closes it.
    func close() {
        try? handle.synchronize()
        try? handle.close()
    }
}
