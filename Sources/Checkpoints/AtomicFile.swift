import Foundation

/// Writes user files so that a crash or error never leaves a half-written file behind.
enum AtomicFile {
    /// Lets `body` write a temporary file next to `url`, then renames it over `url`.
    ///
    /// The temporary file is removed if `body` throws; the old file stays untouched until
    /// the rename, which replaces it in one step.
    static func write(to url: URL, _ body: (URL) throws -> Void) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try body(temporary)
            guard rename(temporary.path, url.path) == 0 else {
                throw CheckpointError(url.path, "cannot move the written file into place (\(String(cString: strerror(errno))))")
            }
        } catch let error as CheckpointError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CheckpointError(url.path, "cannot write the file (\(error.localizedDescription))")
        }
    }
}
