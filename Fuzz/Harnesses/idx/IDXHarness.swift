import Datasets
import FuzzSupport

/// libFuzzer entry point: the bytes as a Fashion-MNIST file (IDX, gzip-compressed or not), read as
/// `IDXFile(contentsOf:expectedMagic:)` reads it, once as an image file and once as a label file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let raw = fuzzInput(data, size)
    guard let bytes = Gzip.isGzip(raw) ? try? Gzip.decompress(raw, path: "fuzz.gz") : raw else { return 0 }
    for magic in [IDXFile.imageMagic, IDXFile.labelMagic] {
        _ = try? IDXFile(bytes: bytes, path: "fuzz-idx", expectedMagic: magic)
    }
    return 0
}

/// The harness executable: libFuzzer's command line (`make fuzz` shows the options it uses).
@main enum IDXFuzzer {
    static func main() { runFuzzer(fuzzIDX) }
}
