@testable import Checkpoints
import FuzzSupport

/// libFuzzer entry point: the bytes as the `data.pkl` of a PyTorch checkpoint, read by the
/// restricted unpickler.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPickle(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    var reader = PickleReader(bytes)
    _ = try? reader.read()
    return 0
}

/// The harness executable: libFuzzer's command line (`make fuzz` shows the options it uses).
@main enum PickleFuzzer {
    static func main() { runFuzzer(fuzzPickle) }
}
