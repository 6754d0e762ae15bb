@testable import Checkpoints
import Foundation
import FuzzSupport

/// libFuzzer entry point: the bytes as a safetensors file, then what `tensortop inspect` and
/// loading a state dict do with it (statistics table, tensors).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Data(fuzzInput(data, size))
    if let checkpoint = try? Safetensors.decode(bytes, path: "fuzz.safetensors") {
        _ = checkpoint.summaryTable()
        _ = checkpoint.stateDict()
    }
    return 0
}

/// The harness executable: libFuzzer's command line (`make fuzz` shows the options it uses).
@main enum SafetensorsFuzzer {
    static func main() { runFuzzer(fuzzSafetensors) }
}
