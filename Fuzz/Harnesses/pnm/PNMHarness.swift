import Datasets
import FuzzSupport

/// libFuzzer entry point: the bytes as a PGM/PPM file, decoded and converted as `ImageFolder` does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNM(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    if let image = try? PNM.decode(bytes, path: "fuzz.pgm") {
        _ = image.rgb()
        _ = image.grayscale()
    }
    return 0
}

/// The harness executable: libFuzzer's command line (`make fuzz` shows the options it uses).
@main enum PNMFuzzer {
    static func main() { runFuzzer(fuzzPNM) }
}
