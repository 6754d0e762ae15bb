import Foundation
import Testing
import Datasets

/// gzip, PNG (every colour type and depth) and PGM/PPM.
@Suite struct GzipAndImageTests {
    @Test func gzipRoundTripAndConcatenatedMembers() throws {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        #expect(try Gzip.decompress(Gzip.compress(bytes), path: "x") == bytes)
        let two = Gzip.compress(Array(bytes[..<5000])) + Gzip.compress(Array(bytes[5000...]))
        #expect(try Gzip.decompress(two, path: "x") == bytes)
        #expect(throws: DatasetError.self) { try Gzip.decompress([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF], path: "bad.gz") }
    }

    @Test(arguments: [1, 2, 3, 4])
    func pngRoundTripKeepsChannels(channels: Int) throws {
        let image = Image(width: 5, height: 3, channels: channels, pixels: (0..<(15 * channels)).map { UInt8($0 * 3) })
        let url = TestFiles.folder().appendingPathComponent("i.png")
        try Data(PNG.encode(image)).write(to: url)
        #expect(try PNG.read(url) == image)
    }

    @Test func palettePNGExpandsToRGB() throws {
        let palette: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255]
        let bytes = TestFiles.png(width: 3, height: 1, bitDepth: 8, colorType: 3, rows: [[2, 1, 0]], palette: palette)
        let url = TestFiles.folder().appendingPathComponent("p.png")
        try Data(bytes).write(to: url)
        #expect(try PNG.read(url) == Image(width: 3, height: 1, channels: 3, pixels: [0, 0, 255, 0, 255, 0, 255, 0, 0]))
    }

    @Test func sixteenBitPNGScalesToEightBits() throws {
        // 16-bit grey 0, 257·100, 65535 → 0, 100, 255.
        let bytes = TestFiles.png(width: 3, height: 1, bitDepth: 16, colorType: 0, rows: [[0, 0, 0x64, 0x64, 0xFF, 0xFF]])
        let url = TestFiles.folder().appendingPathComponent("g16.png")
        try Data(bytes).write(to: url)
        #expect(try PNG.read(url) == Image(width: 3, height: 1, channels: 1, pixels: [0, 100, 255]))
        let rgba16 = TestFiles.png(width: 1, height: 1, bitDepth: 16, colorType: 6, rows: [[0xFF, 0xFF, 0x80, 0x80, 0, 0, 0xFF, 0xFF]])
        try Data(rgba16).write(to: url)
        #expect(try PNG.read(url) == Image(width: 1, height: 1, channels: 4, pixels: [255, 128, 0, 255]))
    }

    @Test func notAPNG() throws {
        let url = TestFiles.folder().appendingPathComponent("broken.png")
        try Data("not a png".utf8).write(to: url)
        let error = #expect(throws: DatasetError.self) { try PNG.read(url) }
        #expect(error?.path == url.path)
    }

    @Test func pgmAndPpm() throws {
        let grey = Image(width: 2, height: 2, channels: 1, pixels: [0, 50, 100, 255])
        #expect(try PNM.decode(PNM.encode(grey), path: "g.pgm") == grey)
        let rgb = Image(width: 1, height: 2, channels: 3, pixels: [1, 2, 3, 4, 5, 6])
        #expect(try PNM.decode(PNM.encode(rgb), path: "c.ppm") == rgb)
        let ascii = Array("P2\n# a comment\n2 1\n15\n0 15\n".utf8)
        #expect(try PNM.decode(ascii, path: "a.pgm").pixels == [0, 255])
        let sixteen = Array("P5 1 1 65535\n".utf8) + [0x80, 0x00]
        #expect(try PNM.decode(sixteen, path: "s.pgm").pixels == [128])
        #expect(throws: DatasetError.self) { try PNM.decode(Array("P5\n4 4\n255\n".utf8) + [1, 2], path: "t.pgm") }
        #expect(throws: DatasetError.self) { try PNM.decode(Array("P9".utf8), path: "x.pgm") }
    }

    @Test func colourConversionsFollowPIL() {
        let rgb = Image(width: 1, height: 1, channels: 3, pixels: [200, 100, 50])
        #expect(rgb.grayscale().pixels == [124])  // (200·299 + 100·587 + 50·114) / 1000 = 124.2
        let ga = Image(width: 1, height: 1, channels: 2, pixels: [7, 9])
        #expect(ga.rgb().pixels == [7, 7, 7])
        #expect(Image(width: 1, height: 1, channels: 4, pixels: [1, 2, 3, 4]).rgb().pixels == [1, 2, 3])
    }
}
