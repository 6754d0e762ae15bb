import Foundation
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
}
