import Foundation

/// Process ids for tests of "is its owner still running?" logic.
public enum EndedProcess {
    /// The id of a process that has ended: one started here (`/bin/true`) and waited for.
    public static func id() throws -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}
