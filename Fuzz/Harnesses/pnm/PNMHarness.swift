import Datasets

/// libFuzzer entry point: the bytes as a PGM/PPM file, decoded and converted as `ImageFolder` does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNM(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let image = try? PNM.decode(bytes, path: "fuzz.pgm") {
        _ = image.rgb()
        _ = image.grayscale()
    }
    return 0
}
