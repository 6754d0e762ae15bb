import Dashboard
import Foundation
import FuzzSupport

/// libFuzzer entry point: the bytes as a theme file (`--theme PATH`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTheme(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Data(fuzzInput(data, size))
    _ = try? Theme.decode(bytes, path: "fuzz.json")
    return 0
}

/// The harness executable: libFuzzer's command line (`make fuzz` shows the options it uses).
@main enum ThemeFuzzer {
    static func main() { runFuzzer(fuzzTheme) }
}
