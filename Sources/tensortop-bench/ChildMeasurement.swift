import Foundation

/// Runs this bench binary again with `arguments` and returns the words it prints, so that a
/// measurement's peak memory is its own (a fresh process), or a message saying why it could not run.
enum ChildMeasurement {
    static func run(_ arguments: [String]) -> Result<[String], ChildMeasurementError> {
        let finished: FinishedProcess
        switch FinishedProcess.run(URL(fileURLWithPath: CommandLine.arguments[0]), arguments, errorsToo: false) {
        case .success(let process): finished = process
        case .failure(let error): return .failure(error)
        }
        let output = finished.output
        let words = output.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard words.first != "error" else {
            return .failure(ChildMeasurementError(message: output.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        return .success(words)
    }
}

/// Why a child measurement gave no figures.
struct ChildMeasurementError: Error {
    let message: String
}

/// A child process run to its end: its exit status and what it printed.
struct FinishedProcess {
    let status: Int32
    let output: String

    /// Runs `executable` with `arguments` and reads its output to the end (its error output too,
    /// in the same pipe, when `errorsToo`, so that neither can fill up unread).
    static func run(_ executable: URL, _ arguments: [String], errorsToo: Bool) -> Result<FinishedProcess, ChildMeasurementError> {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        if errorsToo { process.standardError = pipe }
        do {
            try process.run()
        } catch {
            return .failure(ChildMeasurementError(message: "cannot start \(executable.path): \(error)"))
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return .success(FinishedProcess(status: process.terminationStatus, output: output))
    }
}
