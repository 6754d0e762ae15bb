import Foundation

/// Writes one TensorBoard event file, record by record, so TensorBoard can follow it live.
///
/// The file is new (`events.out.tfevents.<seconds>.<host>.<pid>.<n>`, never an existing one) and
/// starts with the file-version record. Records are appended as they come and flushed on
/// `flush()`; a reader that meets a half-written last record waits for the rest. (An event
/// log is a stream, not a document: it is not written to a temporary name and renamed.)
public final class EventFileWriter {
    /// The file's path.
    public let path: String
    private let handle: FileHandle
    private var pending: [UInt8] = []
    private let framer = TFRecordFramer()

    /// Creates a new event file in `folder` (created if missing).
    /// - Throws: `LogDirectoryError` naming the folder when it cannot be created or written.
    public init(folder: String, wallTime: Double = Date().timeIntervalSince1970) throws(LogDirectoryError) {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw LogDirectoryError("\(folder): cannot create the TensorBoard log folder (\(error.localizedDescription))")
        }
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        let stem = "events.out.tfevents.\(Int(wallTime)).\(host).\(ProcessInfo.processInfo.processIdentifier)"
        var index = 0
        var created: (String, FileHandle)?
        while created == nil, index < 1000 {
            let candidate = (folder as NSString).appendingPathComponent("\(stem).\(index)")
            // O_EXCL: never append to (or replace) another writer's file.
            let descriptor = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor >= 0 {
                created = (candidate, FileHandle(fileDescriptor: descriptor, closeOnDealloc: true))
            } else if errno != EEXIST {
                throw LogDirectoryError("\(folder): cannot write a TensorBoard event file there (\(String(cString: strerror(errno))))")
            }
            index += 1
        }
        guard let (path, handle) = created else {
            throw LogDirectoryError("\(folder): cannot find a free event file name")
        }
        self.path = path
        self.handle = handle
        append(EventEncoding.fileVersion(wallTime: wallTime))
    }

    /// Queues one serialised `Event` (see `EventEncoding`).
    public func append(_ event: [UInt8]) {
        pending += framer.frame(event)
    }

    /// Writes what was queued.
    /// - Throws: `LogDirectoryError` naming the file when the write fails (disk full, removed).
    public func flush() throws(LogDirectoryError) {
        guard !pending.isEmpty else { return }
        do {
            try handle.write(contentsOf: pending)
            pending.removeAll(keepingCapacity: true)
        } catch {
            throw LogDirectoryError("\(path): cannot write (\(error.localizedDescription))")
        }
    }

    deinit { try? handle.close() }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
