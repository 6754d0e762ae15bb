@testable import Checkpoints
import Foundation

/// libFuzzer entry point: the bytes as a safetensors file, then what `tensortop inspect` and
/// loading a state dict do with it (statistics table, tensors).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Data(bytes: $0, count: size) } ?? Data()
    if let checkpoint = try? Safetensors.decode(bytes, path: "fuzz.safetensors") {
        _ = checkpoint.summaryTable()
        _ = checkpoint.stateDict()
    }
    return 0
}
