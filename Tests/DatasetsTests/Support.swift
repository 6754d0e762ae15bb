import Datasets
import Foundation

/// Small data files the tests write for themselves.
enum TestFiles {
    /// A fresh temporary folder.
    static func folder() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tensortop-data-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// IDX bytes: magic, big-endian dims, then the elements.
    static func idx(magic: UInt32, dims: [Int], values: [UInt8]) -> [UInt8] {
        var bytes = withUnsafeBytes(of: magic.bigEndian) { Array($0) }
        for d in dims { bytes += withUnsafeBytes(of: UInt32(d).bigEndian) { Array($0) } }
        return bytes + values
    }

    /// A tiny Fashion-MNIST split: `count` images whose pixels encode their index, labels index % 10.
    static func pixels(count: Int, seed: Int = 0) -> [UInt8] {
        (0..<(count * 784)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed &* 7 &+ $0 / 784) }
    }

    static func labels(count: Int) -> [UInt8] { (0..<count).map { UInt8($0 % 10) } }

    /// Writes the four files of a small dataset (train: `trainCount`, test: `testCount`), gzipped or not.
    static func writeDataset(in folder: URL, trainCount: Int = 30, testCount: Int = 12, gzip: Bool = true) {
        let files: [(String, [UInt8])] = [
            ("train-images-idx3-ubyte", idx(magic: 0x803, dims: [trainCount, 28, 28], values: pixels(count: trainCount))),
            ("train-labels-idx1-ubyte", idx(magic: 0x801, dims: [trainCount], values: labels(count: trainCount))),
            ("t10k-images-idx3-ubyte", idx(magic: 0x803, dims: [testCount, 28, 28], values: pixels(count: testCount, seed: 1))),
            ("t10k-labels-idx1-ubyte", idx(magic: 0x801, dims: [testCount], values: labels(count: testCount))),
        ]
        for (name, bytes) in files {
            let data = gzip ? Gzip.compress(bytes) : bytes
            try! Data(data).write(to: folder.appendingPathComponent(gzip ? name + ".gz" : name))
        }
    }

    /// A PNG file built chunk by chunk, for the types the simplified writer does not make (palette, 16-bit).
    static func png(width: Int, height: Int, bitDepth: UInt8, colorType: UInt8, rows: [[UInt8]], palette: [UInt8]? = nil) -> [UInt8] {
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return withUnsafeBytes(of: UInt32(data.count).bigEndian) { Array($0) } + body + withUnsafeBytes(of: crc32(body).bigEndian) { Array($0) }
        }
        var header = withUnsafeBytes(of: UInt32(width).bigEndian) { Array($0) } + withUnsafeBytes(of: UInt32(height).bigEndian) { Array($0) }
        header += [bitDepth, colorType, 0, 0, 0]
        let raw: [UInt8] = rows.flatMap { row -> [UInt8] in [0] + row }  // filter type 0 per row
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header)
        if let palette { file += chunk("PLTE", palette) }
        return file + chunk("IDAT", Gzip.compress(raw, gzipHeader: false)) + chunk("IEND", [])
    }

    /// The CRC-32 PNG chunks carry.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
