import Foundation
import Recording

/// `--record` (train) and `--record-run` (dashboard): a recorder for the run, made before training starts.
enum RunRecorder {
    /// A recorder creating `path` (nil: no recording), its header naming this command line;
    /// an existing file or an unwritable folder is a plain error.
    static func create(_ path: String?) throws -> Recorder? {
        try path.map { path in
            try CommandLineError.wrap {
                try Recorder(creating: URL(fileURLWithPath: path), tensortopVersion: TensorTopVersion.current,
                             command: (["tensortop"] + CommandLine.arguments.dropFirst()).joined(separator: " "))
            }
        }
    }

    /// Writes the end of the recording and says on stderr if it had to stop early.
    static func finish(_ recording: RecordingSource?) {
        guard let recording else { return }
        recording.finish()
        if let problem = recording.recorder.problem { FileHandle.standardError.write(Data("warning: \(problem)\n".utf8)) }
    }
}
