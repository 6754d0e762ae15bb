import Checkpoints
import Foundation
import FuzzSupport

/// The file each input is written to: the zip reader works on files, and one fuzzing process
/// runs one input at a time.
private let inputFile = URL(fileURLWithPath: NSTemporaryDirectory())
    .appendingPathComponent("tensortop-fuzz-pth-\(getpid()).pth")

/// libFuzzer entry point: the bytes as a `.pth` file (zip + pickle + storages), read and
/// summarised as `tensortop inspect` does, then made into tensors.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPTH(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Data(fuzzInput(data, size))
    guard (try? bytes.write(to: inputFile)) != nil else { fatalError("cannot write \(inputFile.path)") }
    if let checkpoint = try? Checkpoint.read(from: inputFile) {
        _ = checkpoint.summaryTable()
        _ = checkpoint.stateDict()
    }
    return 0
}

/// The harness executable: libFuzzer's command line (`make fuzz` shows the options it uses).
@main enum PTHFuzzer {
    static func main() { runFuzzer(fuzzPTH) }
}
