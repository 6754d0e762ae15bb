import Datasets
import Foundation

/// PNG encoding for the TensorBoard logger's batch image (libpng, through Datasets).
enum TensorBoardImages {
    /// Raw height × width × channels bytes as PNG; nil when they do not make an image libpng writes.
    @Sendable static func png(width: Int, height: Int, channels: Int, pixels: [UInt8]) -> Data? {
        guard (1...4).contains(channels), width > 0, height > 0, pixels.count == width * height * channels,
              let bytes = try? PNG.encode(Image(width: width, height: height, channels: channels, pixels: pixels)) else { return nil }
        return Data(bytes)
    }
}
