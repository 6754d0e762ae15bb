import Foundation
import Testing
import Datasets
import Tensors

/// Data files that overflowed, or inflated without bound, in the fuzzing run (issue 10):
/// each is refused with a message naming the file, before any large allocation.
@Suite struct HostileDataTests {
    /// gzip members that inflate to `copies` × 16 MiB of zeros (16 KiB each): a bomb made in memory.
    static func zeroMembers(copies: Int) -> [UInt8] {
        let member = Gzip.compress([UInt8](repeating: 0, count: 16 << 20), level: 9)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(member.count * copies)
        for _ in 0..<copies { bytes += member }
        return bytes
    }

    @Test func dimsWhoseProductOverflowsAreRefusedInPlainAndGzipFiles() throws {
        // data_idx_dims_overflow: three dims of 2³² − 1 (their product overflows Int).
        let header = TestFiles.idx(magic: 0x803, dims: [], values: []).prefix(3) + [3] + [UInt8](repeating: 0xFF, count: 12)
        let bytes = Array(header) + [UInt8](repeating: 7, count: 1000)
        let error = #expect(throws: DatasetError.self) { try IDXFile(bytes: bytes, path: "overflow", expectedMagic: IDXFile.imageMagic) }
        #expect(error?.problem.contains("describe more data than any file holds") == true)
        #expect(error?.problem.contains("4294967295") == true)

        let file = TestFiles.folder().appendingPathComponent("train-images-idx3-ubyte.gz")
        try Data(Gzip.compress(bytes)).write(to: file)
        let fromGzip = #expect(throws: DatasetError.self) { try IDXFile(contentsOf: file, expectedMagic: IDXFile.imageMagic) }
        #expect(fromGzip?.path == file.path)
        #expect(fromGzip?.problem.contains("describe more data") == true)
    }

    @Test func aGzipBombStopsAtTheSizeItsHeaderPromises() throws {
        // data_gz_bomb_4GiB: a header for 60,000 images (47 MB) followed by 4 GiB of zeros in 4 MB.
        let header = TestFiles.idx(magic: 0x803, dims: [60_000, 28, 28], values: [])
        let bomb = Gzip.compress(header) + Self.zeroMembers(copies: 256)
        #expect(bomb.count < 8 << 20)
        let file = TestFiles.folder().appendingPathComponent("train-images-idx3-ubyte.gz")
        try Data(bomb).write(to: file)
        let error = #expect(throws: DatasetError.self) { try IDXFile(contentsOf: file, expectedMagic: IDXFile.imageMagic) }
        #expect(error?.path == file.path)
        #expect(error?.problem.contains("inflates to more than the 47040016 bytes its header describes") == true)
    }

    @Test func decompressStopsAtItsLimitAndPrefixReadsOnlyTheStart() throws {
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        let compressed = Gzip.compress(bytes)
        #expect(try Gzip.decompress(compressed, path: "x", limit: bytes.count) == bytes)
        #expect(throws: DatasetError.self) { try Gzip.decompress(compressed, path: "x", limit: bytes.count - 1) }
        #expect(try Gzip.decompressPrefix(compressed, count: 10, path: "x") == Array(bytes.prefix(10)))
        #expect(try Gzip.decompressPrefix(compressed, count: 200_000, path: "x") == bytes)
        #expect(try Gzip.decompressPrefix(compressed, count: 0, path: "x") == [])
    }

    @Test func aValidGzipFileStillLoadsThroughTheHeaderFirstPath() throws {
        let folder = TestFiles.folder()
        TestFiles.writeDataset(in: folder, trainCount: 30, testCount: 12, gzip: true)
        let data = try FashionMNIST(root: folder)
        #expect(data.count == 30)
        #expect(data.label(at: 13) == 3)
    }

    @Test func aBatchSizeNearIntMaxMakesOneBatch() throws {
        let data = try TensorDataset(Tensor((0..<10).map { Float($0) }))
        let loader = DataLoader(data, batchSize: Int.max)
        #expect(loader.count == 1)
        let batches = Array(loader)
        #expect(batches.count == 1)
        #expect(batches.first?[0].shape == [10])
        #expect(DataLoader(data, batchSize: Int.max, dropLast: true).count == 0)
        #expect(DataLoader(data, batchSize: 3).count == 4)
        #expect(DataLoader(data, batchSize: 3, dropLast: true).count == 3)
    }

    @Test func aNamedFolderWithoutTheFilesIsNamedInTheError() throws {
        let missing = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)")
        let error = #expect(throws: DatasetError.self) { try FashionMNIST.locate(root: missing) }
        #expect(error?.path == missing.path)
        #expect(error?.problem.contains("Dataset not found") == true)
        let empty = TestFiles.folder()
        let noFiles = #expect(throws: DatasetError.self) { try FashionMNIST.locate(root: empty) }
        #expect(noFiles?.problem.contains("missing train-images-idx3-ubyte[.gz]") == true)
    }
}
