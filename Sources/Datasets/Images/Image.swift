/// An 8-bit image as rows of pixels, each with 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA) channels.
public struct Image: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    /// height × width × channels bytes, row-major.
    public let pixels: [UInt8]

    /// The largest pixel buffer a decoder allocates: 256 MiB (e.g. 8192 × 8192 RGBA). A file's
    /// header may claim any size, and a few bytes must not make us allocate terabytes.
    public static let maxByteCount = 1 << 28

    /// The bytes a `width` × `height` image with `channels` channels needs, or an error naming
    /// `path` when that is more than `maxByteCount` (checked before anything is allocated).
    static func byteCount(width: Int, height: Int, channels: Int, path: String) throws -> Int {
        let (pixels, overflow1) = width.multipliedReportingOverflow(by: height)
        let (bytes, overflow2) = pixels.multipliedReportingOverflow(by: channels)
        guard !overflow1, !overflow2, bytes <= maxByteCount else {
            throw DatasetError(path, "the image claims to be \(width)x\(height) pixels with \(channels) channels, "
                               + "more than the \(maxByteCount >> 20) MiB an image may take", hint: "Use a smaller image.")
        }
        return bytes
    }

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition((1...4).contains(channels), "an image has 1 to 4 channels, got \(channels)")
        precondition(pixels.count == width * height * channels,
                     "\(pixels.count) bytes do not make a \(width)x\(height) image with \(channels) channels")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The image with 3 RGB channels, like PIL's `convert("RGB")`: grey is repeated, alpha dropped.
    public func rgb() -> Image {
        switch channels {
        case 3: return self
        case 1, 2:
            var out = [UInt8](repeating: 0, count: width * height * 3)
            for i in 0..<(width * height) {
                let v = pixels[i * channels]
                out[3 * i] = v; out[3 * i + 1] = v; out[3 * i + 2] = v
            }
            return Image(width: width, height: height, channels: 3, pixels: out)
        default:
            var out = [UInt8](repeating: 0, count: width * height * 3)
            for i in 0..<(width * height) {
                for c in 0..<3 { out[3 * i + c] = pixels[4 * i + c] }
            }
            return Image(width: width, height: height, channels: 3, pixels: out)
        }
    }

    /// The image with 1 grey channel, like PIL's `convert("L")`: luma = (299 R + 587 G + 114 B) / 1000.
    public func grayscale() -> Image {
        switch channels {
        case 1: return self
        case 2:
            return Image(width: width, height: height, channels: 1, pixels: (0..<(width * height)).map { pixels[2 * $0] })
        default:
            let out = (0..<(width * height)).map { i -> UInt8 in
                let base = i * channels
                let (r, g, b) = (UInt32(pixels[base]), UInt32(pixels[base + 1]), UInt32(pixels[base + 2]))
                return UInt8((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16)
            }
            return Image(width: width, height: height, channels: 1, pixels: out)
        }
    }
}
