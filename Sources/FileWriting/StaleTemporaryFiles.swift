import Foundation

/// Removes temporary files that `AtomicFile` left behind when its process was killed.
///
/// Only names `AtomicFile` makes (`.NAME.tmp-PID-RANDOM`) are touched, only when they belong
/// to this user and no process with that id is alive (a file of a running write stays).
public enum StaleTemporaryFiles {
    /// Removes the stale temporary files in `folder`; returns the names removed.
    @discardableResult
    public static func remove(in folder: URL) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        var removed: [String] = []
        for name in names {
            guard let pid = owner(ofTemporaryName: name), !isAlive(pid) else { continue }
            let path = folder.appendingPathComponent(name).path
            var info = stat()
            guard lstat(path, &info) == 0, info.st_uid == getuid() else { continue }
            if unlink(path) == 0 { removed.append(name) }
        }
        return removed
    }

    /// The process id in a temporary name `.NAME.tmp-PID-RANDOM`, or nil for any other name.
    static func owner(ofTemporaryName name: String) -> pid_t? {
        guard name.hasPrefix("."), let markerRange = name.range(of: AtomicFile.marker, options: .backwards) else { return nil }
        let parts = name[markerRange.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let pid = pid_t(parts[0]), pid > 0,
              !parts[1].isEmpty, parts[1].allSatisfy(\.isHexDigit) else { return nil }
        return pid
    }

    /// Whether a process with this id exists (one we may not signal still counts as alive).
    static func isAlive(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno != ESRCH
    }
}
