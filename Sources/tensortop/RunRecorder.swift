import FileWriting
import Foundation
import Recording

/// `--record` (train) and `--record-run` (dashboard): a recorder for the run, made once the
/// trainer has started (a run that fails at startup leaves no file).
enum RunRecorder {
    /// Checks, before any work, that a recording can be created at `path`: it does not exist
    /// yet and its folder takes new files. A plain error otherwise.
    static func checkDestination(_ path: String?) throws {
        guard let path else { return }
        var status = stat()
        if lstat(path, &status) == 0 {
            throw CommandLineError(description: "\(path): already exists; choose another name, or remove it first (a recording is never overwritten)")
        }
        try CommandLineError.wrap { try AtomicFile.prepareDestination(URL(fileURLWithPath: path)) }
    }

    /// A recorder creating `path` (nil: no recording), its header naming this command line;
    /// an existing file or an unwritable folder is a plain error.
    static func create(_ path: String?, maxBytes: Int? = nil) throws -> Recorder? {
        try path.map { path in
            try CommandLineError.wrap {
                try Recorder(creating: URL(fileURLWithPath: path), tensortopVersion: TensorTopVersion.current,
                             command: (["tensortop"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
                             options: Recorder.Options(maxBytes: maxBytes))
            }
        }
    }

    /// Where the dashboard records by default: `runs/` in the working folder.
    static let defaultFolder = "runs"

    /// A recorder on a new file `runs/YYYY-MM-DD-HHMMSS.ttrun` (local time; `-2`, `-3`, ... when
    /// taken), creating `runs/` if needed; or nil and a warning when that cannot be done.
    static func createInRunsFolder(maxBytes: Int?, now: Date = Date()) -> (recorder: Recorder?, warning: String?) {
        do {
            try FileManager.default.createDirectory(atPath: defaultFolder, withIntermediateDirectories: true)
        } catch {
            return (nil, "cannot create \(defaultFolder)/ (\(error.localizedDescription)); this run is not recorded (--no-record-run silences this)")
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd-HHmmss"
        let stem = "\(defaultFolder)/\(formatter.string(from: now))"
        var lastError = ""
        for number in 1...100 {
            let path = stem + (number == 1 ? "" : "-\(number)") + ".ttrun"
            do {
                return (try create(path, maxBytes: maxBytes), nil)
            } catch {
                lastError = "\(error)"
                // A name taken (by another run started this second) tries the next; anything else stops.
                var status = stat()
                guard lstat(path, &status) == 0 else { break }
            }
        }
        return (nil, "cannot record this run under \(defaultFolder)/: \(lastError) (--no-record-run silences this)")
    }

    /// Writes the end of the recording and says on stderr if it had to stop early (and, when
    /// `announce`, where it went).
    static func finish(_ recording: RecordingSource?, announce: Bool = false) {
        guard let recording else { return }
        recording.finish()
        let path = shown(recording.recorder.path)
        if announce { FileHandle.standardError.write(Data("recorded this run to \(path); replay it with tensortop replay \(path)\n".utf8)) }
        if let problem = recording.recorder.problem { FileHandle.standardError.write(Data("warning: \(problem)\n".utf8)) }
    }

    /// `path` relative to the working folder when it lies in it (as `runs/...`), else as it is.
    static func shown(_ path: String) -> String {
        let folder = FileManager.default.currentDirectoryPath
        return path.hasPrefix(folder + "/") ? String(path.dropFirst(folder.count + 1)) : path
    }

    /// A size like `256M`, `1G`, `500K` or `1048576` (bytes; K, M, G are powers of 1024), or
    /// `none` for no cap: the byte count, nil for none; throws a message for anything else.
    static func parseSize(_ text: String) throws -> Int? {
        if text.lowercased() == "none" { return nil }
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = Substring(text)
        var unit = 1
        if let last = text.last?.uppercased().first, let size = units[last] {
            unit = size
            digits = digits.dropLast()
        }
        guard let count = Int(digits), count > 0 else {
            throw CommandLineError(description: "expected a size like 256M, 1G, 500K or a number of bytes (or none), got '\(text)'")
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: unit)
        guard !overflow else { throw CommandLineError(description: "'\(text)' is more bytes than this machine can count") }
        return bytes
    }
}
