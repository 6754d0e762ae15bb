import Foundation

/// Runs tmux for the end-to-end tests (a real terminal the tests can type into and read).
public enum Tmux {
    public static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    /// Runs `tmux ARGUMENTS` and returns what it printed.
    ///
    /// `new-session` may start the tmux server, which stays running and would inherit an
    /// output pipe (so reading it to the end would never finish): its output is discarded.
    ///
    /// Every new session gets its own `XDG_CONFIG_HOME` (a fresh temporary folder), so a test
    /// never reads nor writes the user's preferences file (`t`, `[`, `g` save preferences).
    @discardableResult
    public static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        if arguments.first == "new-session" {
            let config = FileManager.default.temporaryDirectory.appendingPathComponent("tensortop-test-config-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
            process.arguments = ["new-session", "-e", "XDG_CONFIG_HOME=\(config.path)"] + arguments.dropFirst()
        } else {
            process.arguments = arguments
        }
        process.standardInput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard arguments.first != "new-session" else {
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return ""
        }
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
