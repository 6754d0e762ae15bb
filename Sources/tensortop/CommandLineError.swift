import ArgumentParser

/// A user-facing failure: its message is printed as `Error: ...` and the exit code is 1.
struct CommandLineError: Error, CustomStringConvertible {
    let description: String

    /// Runs `body`, turning any error into a plain message (no Swift type names on screen).
    static func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw CommandLineError(description: "\(error)")
        }
    }
}
