import CPNG
import Foundation

/// PNG files through libpng's simplified API: any PNG (grey, grey + alpha, RGB, RGBA,
/// palette; 1- to 16-bit) reads as 8-bit pixels with its natural channel count.
public enum PNG {
    /// Reads a PNG file.
    public static func read(_ url: URL) throws -> Image {
        try decode(DatasetError.contents(of: url), path: url.path)
    }

    /// Decodes PNG bytes; `path` names them in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> Image {
        var image = tt_png_image()
        let begun = bytes.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard begun != 0 else {
            defer { png_image_free(&image) }
            throw DatasetError(path, "not a readable PNG (\(message(of: &image)))")
        }
        let color = image.format & TT_PNG_FORMAT_FLAG_COLOR != 0
        let alpha = image.format & TT_PNG_FORMAT_FLAG_ALPHA != 0
        let (format, channels): (UInt32, Int) = switch (color, alpha) {
        case (false, false): (TT_PNG_FORMAT_GRAY, 1)
        case (false, true): (TT_PNG_FORMAT_GA, 2)
        case (true, false): (TT_PNG_FORMAT_RGB, 3)
        case (true, true): (TT_PNG_FORMAT_RGBA, 4)
        }
        image.format = format
        // 16-bit files without gamma information are taken as sRGB, so they scale to 8 bits
        // (v·255/65535) instead of being gamma-encoded.
        image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
        let (width, height) = (Int(image.width), Int(image.height))
        let count: Int
        do {
            count = try Image.byteCount(width: width, height: height, channels: channels, path: path)
        } catch {
            png_image_free(&image)
            throw error
        }
        var pixels = [UInt8](repeating: 0, count: count)
        let ok = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
        guard ok != 0 else {
            defer { png_image_free(&image) }
            throw DatasetError(path, "cannot decode the PNG (\(message(of: &image)))")
        }
        return Image(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// The encoded PNG bytes of an 8-bit image.
    public static func encode(_ picture: Image) throws -> [UInt8] {
        var image = tt_png_image()
        image.width = UInt32(picture.width)
        image.height = UInt32(picture.height)
        image.format = [TT_PNG_FORMAT_GRAY, TT_PNG_FORMAT_GA, TT_PNG_FORMAT_RGB, TT_PNG_FORMAT_RGBA][picture.channels - 1]
        var size = 0
        // First call measures, second writes.
        guard picture.pixels.withUnsafeBytes({ png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, 0, nil) }) != 0 else {
            throw DatasetError("<png>", "cannot encode the image (\(message(of: &image)))")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        let ok = bytes.withUnsafeMutableBytes { out in
            picture.pixels.withUnsafeBytes { png_image_write_to_memory(&image, out.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
        }
        guard ok != 0 else { throw DatasetError("<png>", "cannot encode the image (\(message(of: &image)))") }
        return Array(bytes.prefix(size))
    }

    private static func message(of image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
