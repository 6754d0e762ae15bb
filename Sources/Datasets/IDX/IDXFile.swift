import Foundation

/// An IDX file (the MNIST format): a big-endian magic number naming the element type and
/// the number of dims, the dims, then the elements. Only unsigned bytes are supported.
public struct IDXFile: Sendable {
    /// The size of each dimension.
    public let dims: [Int]
    /// The elements in row-major order (a slice of the file's bytes, not a copy).
    public let bytes: ArraySlice<UInt8>

    /// The magic number of unsigned-byte image files (3 dims).
    public static let imageMagic: UInt32 = 0x0000_0803
    /// The magic number of unsigned-byte label files (1 dim).
    public static let labelMagic: UInt32 = 0x0000_0801

    /// Reads a `.gz` or uncompressed IDX file, checking its magic number against `expectedMagic`.
    public init(contentsOf url: URL, expectedMagic: UInt32) throws {
        let path = url.path
        let raw: [UInt8]
        do {
            raw = [UInt8](try Data(contentsOf: url))
        } catch {
            throw DatasetError(path, "cannot read the file (\(error.localizedDescription))")
        }
        try self.init(bytes: Gzip.isGzip(raw) ? try Gzip.decompress(raw, path: path) : raw, path: path, expectedMagic: expectedMagic)
    }

    /// Parses IDX bytes (already decompressed).
    public init(bytes data: [UInt8], path: String, expectedMagic: UInt32) throws {
        guard data.count >= 4 else { throw DatasetError(path, "only \(data.count) bytes: too short for an IDX file") }
        let magic = data.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard magic == expectedMagic else {
            throw DatasetError(path, String(format: "wrong magic number 0x%08X, expected 0x%08X (%@)", magic, expectedMagic,
                                           expectedMagic == IDXFile.imageMagic ? "unsigned-byte images" : "unsigned-byte labels"))
        }
        let rank = Int(data[3])
        let headerSize = 4 + 4 * rank
        guard data.count >= headerSize else { throw DatasetError(path, "the header needs \(headerSize) bytes, the file has \(data.count)") }
        let dims = (0..<rank).map { i in data[(4 + 4 * i)..<(8 + 4 * i)].reduce(0) { $0 << 8 | Int($1) } }
        let expected = dims.reduce(1, *)
        guard data.count - headerSize == expected else {
            throw DatasetError(path, "the dimensions \(dims) need \(expected) bytes of data but the file has \(data.count - headerSize)"
                               + (data.count - headerSize < expected ? " (truncated?)" : ""))
        }
        self.dims = dims
        bytes = data[headerSize...]
    }
}
