import Foundation

/// Writes user files so that a crash or error never leaves a half-written file behind, and a
/// planted symbolic link can never redirect the write.
///
/// Every write goes to a temporary file in the target's own folder, named
/// `.NAME.tmp-PID-RANDOM` (64 random bits, so nobody can guess it ahead) and created with
/// `O_CREAT | O_EXCL | O_NOFOLLOW` (so an existing file or link at that name is an error, never
/// followed). Only a complete file is renamed over the target, in one step; on any error the
/// temporary file is removed. Temporary files left by a killed process are recognised by that
/// name and removed by `StaleTemporaryFiles`.
public enum AtomicFile {
    /// Writes `data` to `url`, replacing any file there in one step.
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { temporary in try createExclusively(temporary, data, naming: url) }
    }

    /// Lets `body` write a new file at a temporary path next to `url`, then renames it over `url`.
    ///
    /// `body` must create the file without overwriting (`O_EXCL`, `.withoutOverwriting`,
    /// ZIPFoundation's `.create`). Errors from `body` come back as a `FileWriteError` naming
    /// `url` (a `FileWriteError` thrown by `body` is passed on as it is).
    public static func write(to url: URL, _ body: (URL) throws -> Void) throws {
        let temporary = temporaryURL(for: url)
        do {
            try body(temporary)
            guard rename(temporary.path, url.path) == 0 else {
                throw FileWriteError(url.path, "cannot move the written file into place (\(String(cString: strerror(errno))))")
            }
        } catch {
            unlink(temporary.path)
            if let error = error as? FileWriteError { throw error }
            throw FileWriteError(url.path, "cannot write the file (\(error.localizedDescription))")
        }
    }

    /// Writes `data` to `url` only if nothing is there yet; returns false (writing nothing) if
    /// the name is taken. The file appears complete or not at all.
    public static func create(_ data: Data, at url: URL) throws -> Bool {
        let temporary = temporaryURL(for: url)
        defer { unlink(temporary.path) }
        try createExclusively(temporary, data, naming: url)
        // link(2) refuses an existing name (file or link), so unlike rename it never replaces one.
        if link(temporary.path, url.path) == 0 { return true }
        guard errno == EEXIST else {
            throw FileWriteError(url.path, "cannot create the file (\(String(cString: strerror(errno))))")
        }
        return false
    }

    /// Checks, before any work, that `url` can be written: its folder exists and takes new
    /// files (a probe file is created exclusively and removed), and `url` is not a folder.
    /// Also removes stale temporary files there (`StaleTemporaryFiles`).
    public static func prepareDestination(_ url: URL) throws {
        let folder = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) else {
            throw FileWriteError(url.path, "the folder \(folder.path) does not exist; create it first or choose another path")
        }
        guard isDirectory.boolValue else {
            throw FileWriteError(url.path, "\(folder.path) is not a folder")
        }
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw FileWriteError(url.path, "is a folder; give a file name")
        }
        let probe = temporaryURL(for: url)
        let fd = open(probe.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            throw FileWriteError(url.path, "cannot write in \(folder.path) (\(String(cString: strerror(errno)))); choose a writable folder")
        }
        close(fd)
        unlink(probe.path)
        StaleTemporaryFiles.remove(in: folder)
    }

    /// The marker between a file's name and the process id in temporary names.
    static let marker = ".tmp-"

    /// A fresh, unguessable temporary name in `url`'s folder: `.NAME.tmp-PID-RANDOM`.
    static func temporaryURL(for url: URL) -> URL {
        // Keep the whole name under the usual 255-byte limit.
        var name = url.lastPathComponent
        if name.utf8.count > 160 { name = String(decoding: name.utf8.prefix(160), as: UTF8.self) }
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return url.deletingLastPathComponent().appendingPathComponent(".\(name)\(marker)\(getpid())-\(random)")
    }

    /// Creates `url` (which must not exist, and is never followed if it is a link) holding
    /// `data`; errors name `target`, the file the user asked for.
    static func createExclusively(_ url: URL, _ data: Data, naming target: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            throw FileWriteError(target.path, "cannot create the file (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let n = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    throw FileWriteError(target.path, "cannot write the file (\(String(cString: strerror(errno))))")
                }
                offset += n
            }
        }
    }
}
