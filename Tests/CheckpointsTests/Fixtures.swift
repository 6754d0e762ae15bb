import Foundation
import Testing
import Checkpoints
import TestSupport

/// Checkpoint files written by PyTorch and safetensors (see Fixtures/make_checkpoints.py).
enum Fixtures {
    static func url(_ name: String) -> URL {
        Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")!
    }

    /// A reproducer from fuzzing (Fixtures/hostile; make_hostile.py wrote the zip64 and duplicate-key files).
    static func hostile(_ name: String) -> URL {
        Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/hostile")!
    }

    static func json(_ name: String) -> JSONValue { try! Golden.load(url(name)) }

    /// A fresh temporary folder for files a test writes.
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tensortop-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The problem text of `body(url)` (by default reading the checkpoint), which must throw
    /// a `CheckpointError` naming `url`; records an issue otherwise.
    static func problem(of url: URL, _ body: (URL) throws -> Void = { _ = try Checkpoint.read(from: $0) }) -> String {
        do {
            try body(url)
            Issue.record("\(url.lastPathComponent) should be refused")
            return ""
        } catch let error as CheckpointError {
            #expect(error.path == url.path)
            return error.problem
        } catch {
            Issue.record("unexpected error type \(error)")
            return ""
        }
    }
}
