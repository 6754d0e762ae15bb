import Dashboard
import FileWriting
import Foundation

/// The dashboard's preferences on disk, like htoprc: `$XDG_CONFIG_HOME/tensortop/tensortoprc`,
/// else `~/.config/tensortop/tensortoprc`, a `key=value` text file (see `Preferences`).
///
/// Reading never fails: a missing file gives the defaults, a damaged or hostile one (not a
/// regular file, too large, not UTF-8, bad values) the defaults for what it spoils and a
/// warning for the status line. Writing replaces the file in one step (`AtomicFile`).
public struct PreferencesFile: Sendable {
    /// Where the file is, or nil when neither XDG_CONFIG_HOME nor HOME says (nothing is read or written).
    public let url: URL?

    /// The largest file read (the real one is a few lines).
    public static let maximumSize = 64 * 1024

    /// The file for an environment (the process's by default; tests pass their own).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        url = Self.location(environment)
    }

    /// The file at `url` (tests).
    public init(url: URL?) {
        self.url = url
    }

    /// `$XDG_CONFIG_HOME/tensortop/tensortoprc` if XDG_CONFIG_HOME is an absolute path (the XDG
    /// rule: a relative one is ignored), else `$HOME/.config/tensortop/tensortoprc`.
    static func location(_ environment: [String: String]) -> URL? {
        let folder: URL
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            folder = URL(fileURLWithPath: config, isDirectory: true)
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            folder = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".config", isDirectory: true)
        } else {
            return nil
        }
        return folder.appendingPathComponent("tensortop", isDirectory: true).appendingPathComponent("tensortoprc")
    }

    /// The preferences in the process's file and a warning for the status line, if any.
    public static func load() -> (Preferences, warning: String?) { PreferencesFile().load() }

    /// Writes `preferences` to the process's file.
    public static func save(_ preferences: Preferences) throws { try PreferencesFile().save(preferences) }

    /// The preferences in the file (the defaults where it has none or spoils them) and a
    /// warning naming the file if anything was not used.
    public func load() -> (Preferences, warning: String?) {
        guard let url else { return (Preferences(), nil) }
        switch Self.read(url) {
        case .missing: return (Preferences(), nil)
        case .unreadable(let why): return (Preferences(), "preferences \(url.path): \(why); using the defaults")
        case .text(let text):
            let (preferences, warnings) = Preferences.parse(text, source: "preferences \(url.path)")
            return (preferences, Preferences.summary(warnings))
        }
    }

    /// Writes `preferences`, creating the folder (private to the user) if needed; throws a
    /// `FileWriteError` naming the file when it cannot.
    public func save(_ preferences: Preferences) throws {
        guard let url else { throw FileWriteError("tensortoprc", "neither XDG_CONFIG_HOME nor HOME is set to an absolute path") }
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw FileWriteError(url.path, "cannot create the folder \(folder.path) (\(error.localizedDescription))")
        }
        try AtomicFile.write(Data(preferences.render().utf8), to: url)
    }

    private enum Contents {
        case missing
        case unreadable(String)
        case text(String)
    }

    /// The file's text, read without blocking on a FIFO or device and without reading more than `maximumSize`.
    private static func read(_ url: URL) -> Contents {
        let fd = open(url.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            return errno == ENOENT ? .missing : .unreadable("cannot open it (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .unreadable("cannot read it (\(String(cString: strerror(errno))))") }
        guard info.st_mode & S_IFMT == S_IFREG else { return .unreadable("is not a regular file") }
        guard info.st_size <= maximumSize else { return .unreadable("is larger than \(maximumSize / 1024) KiB") }
        var bytes = [UInt8](repeating: 0, count: maximumSize + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return .unreadable("cannot read it (\(String(cString: strerror(errno))))") }
            if n == 0 { break }
            count += n
        }
        guard count <= maximumSize else { return .unreadable("is larger than \(maximumSize / 1024) KiB") }
        guard let text = String(validating: bytes[0..<count], as: UTF8.self) else { return .unreadable("is not UTF-8 text") }
        return .text(text)
    }
}
