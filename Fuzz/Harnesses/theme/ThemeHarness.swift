import Dashboard
import Foundation

/// libFuzzer entry point: the bytes as a theme file (`--theme PATH`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTheme(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Data(bytes: $0, count: size) } ?? Data()
    _ = try? Theme.decode(bytes, path: "fuzz.json")
    return 0
}
