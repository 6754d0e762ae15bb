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
    ///
    /// A gzip file is inflated only as far as its header says the data goes: the header is
    /// read first, and a stream that holds more than the header's dims need is refused
    /// before it can fill the memory.
    public init(contentsOf url: URL, expectedMagic: UInt32) throws {
        let path = url.path
        let raw: [UInt8]
        do {
            raw = [UInt8](try Data(contentsOf: url))
        } catch {
            throw DatasetError(path, "cannot read the file (\(error.localizedDescription))")
        }
        guard Gzip.isGzip(raw) else {
            try self.init(bytes: raw, path: path, expectedMagic: expectedMagic)
            return
        }
        let head = try Gzip.decompressPrefix(raw, count: Self.largestHeader, path: path)
        let layout = try Self.layout(of: head, path: path, expectedMagic: expectedMagic)
        let bytes = try Gzip.decompress(raw, path: path, limit: layout.headerSize + layout.dataSize)
        try self.init(bytes: bytes, path: path, expectedMagic: expectedMagic)
    }

    /// The longest possible header: the magic number and 255 dims.
    static let largestHeader = 4 + 4 * 255

    /// What the header at the start of `data` promises: its own size, the dims and the data size.
    static func layout(of data: [UInt8], path: String, expectedMagic: UInt32) throws -> (headerSize: Int, dims: [Int], dataSize: Int) {
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
        var dataSize = 1
        for dim in dims {
            let (product, overflow) = dataSize.multipliedReportingOverflow(by: dim)
            // Past this the header describes more bytes than any machine holds: refuse it before allocating.
            guard !overflow, product <= Self.largestData else {
                throw DatasetError(path, "the header's dimensions \(dims) describe more data than any file holds; the file is damaged or not an IDX file",
                                   hint: "Download the file again.")
            }
            dataSize = product
        }
        return (headerSize, dims, dataSize)
    }

    /// The most data bytes an IDX file may declare (2⁴⁸, far past any real data set).
    static let largestData = 1 << 48

    /// Parses IDX bytes (already decompressed).
    public init(bytes data: [UInt8], path: String, expectedMagic: UInt32) throws {
        let (headerSize, dims, expected) = try Self.layout(of: data, path: path, expectedMagic: expectedMagic)
        guard data.count - headerSize == expected else {
            throw DatasetError(path, "the dimensions \(dims) need \(expected) bytes of data but the file has \(data.count - headerSize)"
                               + (data.count - headerSize < expected ? " (truncated?)" : ""))
        }
        self.dims = dims
        bytes = data[headerSize...]
    }
}
