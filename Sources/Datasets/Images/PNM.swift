import Foundation

/// Netpbm images: PGM (grey, P2/P5) and PPM (RGB, P3/P6), 8- or 16-bit (scaled to 8-bit).
public enum PNM {
    /// Reads a PGM or PPM file.
    public static func read(_ url: URL) throws -> Image {
        try decode(DatasetError.contents(of: url), path: url.path)
    }

    /// Decodes PGM/PPM bytes.
    public static func decode(_ bytes: [UInt8], path: String) throws -> Image {
        func fail(_ problem: String) -> DatasetError { DatasetError(path, "not a valid PGM/PPM image: \(problem)") }
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P"), let kind = Int(String(UnicodeScalar(bytes[1]))),
              [2, 3, 5, 6].contains(kind)
        else { throw fail("it does not start with P2, P3, P5 or P6") }
        var position = 2
        /// The next whitespace-separated decimal number, skipping `#` comments.
        func number() throws -> Int {
            while position < bytes.count {
                if bytes[position] == UInt8(ascii: "#") {
                    while position < bytes.count && bytes[position] != 0x0A { position += 1 }
                } else if [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) {
                    position += 1
                } else {
                    break
                }
            }
            var value = 0, digits = 0
            while position < bytes.count, (0x30...0x39).contains(bytes[position]) {
                value = value * 10 + Int(bytes[position] - 0x30)
                position += 1
                digits += 1
                guard value < 1 << 30 else { throw fail("a number is too large") }
            }
            guard digits > 0 else { throw fail("expected a number at byte \(position)") }
            return value
        }
        let width = try number(), height = try number(), maxValue = try number()
        guard width > 0, height > 0, (1...65535).contains(maxValue) else {
            throw fail("bad header: \(width)x\(height), maximum value \(maxValue)")
        }
        let channels = kind == 2 || kind == 5 ? 1 : 3
        let count = try Image.byteCount(width: width, height: height, channels: channels, path: path)
        func scale(_ v: Int) -> UInt8 { UInt8((v * 255 + maxValue / 2) / maxValue) }
        // Each text sample takes at least one byte, so a short file cannot claim a huge image.
        if kind == 2 || kind == 3, bytes.count - position < count {
            throw fail("expected \(count) pixel values, but only \(bytes.count - position) bytes follow the header (truncated?)")
        }
        var pixels = [UInt8](repeating: 0, count: count)
        if kind == 2 || kind == 3 {
            for i in 0..<count {
                let v = try number()
                guard v <= maxValue else { throw fail("value \(v) exceeds the maximum \(maxValue)") }
                pixels[i] = scale(v)
            }
        } else {
            position += 1  // the single whitespace after the maximum value
            let sampleSize = maxValue < 256 ? 1 : 2
            guard bytes.count - position >= count * sampleSize else {
                throw fail("expected \(count * sampleSize) bytes of pixels, found \(max(0, bytes.count - position)) (truncated?)")
            }
            for i in 0..<count {
                let v = sampleSize == 1 ? Int(bytes[position + i])
                    : Int(bytes[position + 2 * i]) << 8 | Int(bytes[position + 2 * i + 1])
                pixels[i] = maxValue == 255 ? UInt8(v) : scale(min(v, maxValue))
            }
        }
        return Image(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// Binary PGM (1 channel) or PPM (3 channels) bytes of an 8-bit image.
    public static func encode(_ image: Image) -> [UInt8] {
        precondition(image.channels == 1 || image.channels == 3, "PGM/PPM hold 1 or 3 channels")
        return Array("P\(image.channels == 1 ? 5 : 6)\n\(image.width) \(image.height)\n255\n".utf8) + image.pixels
    }
}
