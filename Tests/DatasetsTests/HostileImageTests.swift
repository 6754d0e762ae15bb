import Foundation
import Testing
import Datasets

/// Image headers that claim sizes a tiny file cannot hold (found by `make fuzz`): refused by
/// name before any pixel buffer is allocated, instead of allocating gigabytes or terabytes.
@Suite struct HostileImageTests {
    /// A 69-byte PNG whose header says 1,000,000 × 1,000,000 RGBA (4 TB of pixels) used to
    /// stop the process in the allocator; 20,000 × 20,000 allocated 1.6 GB before failing.
    @Test(arguments: [(1_000_000, 1_000_000), (20_000, 20_000)])
    func pngClaimingAHugeImageIsRefused(width: Int, height: Int) throws {
        let bytes = TestFiles.png(width: width, height: height, bitDepth: 8, colorType: 6, rows: [[0, 0, 0, 0]])
        let error = #expect(throws: DatasetError.self) { try PNG.decode(bytes, path: "huge.png") }
        #expect(error?.path == "huge.png")
        #expect(error?.problem.contains("\(width)x\(height)") == true)
    }

    @Test func pngFromFileAndFromMemoryAgree() throws {
        let image = Image(width: 3, height: 2, channels: 2, pixels: Array(10..<22))
        let bytes = try PNG.encode(image)
        let url = TestFiles.folder().appendingPathComponent("same.png")
        try Data(bytes).write(to: url)
        #expect(try PNG.read(url) == image)
        #expect(try PNG.decode(bytes, path: "memory.png") == image)
    }

    /// `P2 1073741823 1073741823 255` (30 bytes) used to allocate 2^60 bytes for its text samples.
    @Test(arguments: ["P2 1073741823 1073741823 255\n0", "P3 65536 65536 255\n1 2 3", "P5 1073741823 3 255\n\u{0}"])
    func pnmClaimingAHugeImageIsRefused(text: String) throws {
        let error = #expect(throws: DatasetError.self) { try PNM.decode(Array(text.utf8), path: "huge.pgm") }
        #expect(error?.path == "huge.pgm")
    }

    /// A text PGM with fewer bytes than samples is refused as truncated before its buffer is made.
    @Test func textPNMShorterThanItsSampleCountIsRefused() throws {
        let error = #expect(throws: DatasetError.self) { try PNM.decode(Array("P2 100 100 255\n1 2 3".utf8), path: "short.pgm") }
        #expect(error?.problem.contains("truncated") == true)
        #expect(try PNM.decode(Array("P2 3 1 255\n1 2 3".utf8), path: "ok.pgm").pixels == [1, 2, 3])
    }
}
