import Foundation

/// Runs this bench binary again with `arguments` and returns the words it prints, so that a
/// measurement's peak memory is its own (a fresh process), or a message saying why it could not run.
enum ChildMeasurement {
    static func run(_ arguments: [String]) -> Result<[String], ChildMeasurementError> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        do {
            try process.run()
        } catch {
            return .failure(ChildMeasurementError(message: "cannot start: \(error)"))
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
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
