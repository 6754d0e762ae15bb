@testable import Checkpoints

/// libFuzzer entry point: the bytes as the `data.pkl` of a PyTorch checkpoint, read by the
/// restricted unpickler.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPickle(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    var reader = PickleReader(bytes)
    _ = try? reader.read()
    return 0
}
