import Testing
@testable import Dashboard
import Telemetry

/// The batch panel on its own: grey and RGB images, blocks and ASCII, previews that do not add up.
@Suite struct BatchViewTests {
    static let cifarClasses = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

    /// Four 3×32×32 images, each one flat colour: red, green, blue, white (channel-first bytes).
    static func rgbBatch() -> BatchPreview {
        let colours: [[UInt8]] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]]
        let pixels = colours.flatMap { rgb in rgb.flatMap { Array(repeating: $0, count: 32 * 32) } }
        return BatchPreview(channels: 3, width: 32, height: 32, pixels: pixels, labels: [0, 1, 2, 3], predictions: [0, 1, 3, 3],
                            confidences: [0.9, 0.8, 0.4, 0.7], losses: [0.1, 0.2, 1.5, 0.3])
    }

    static func render(_ input: BatchView.Input, _ width: Int = 100, _ height: Int = 14) -> Buffer {
        WidgetRendering.buffer(width, height) { BatchView.render(input, in: $0, focused: false, theme: .monochrome, into: &$1) }
    }

    /// The top-left cell of each image the panel shows.
    static func corners(_ batch: BatchPreview, _ width: Int = 100, _ height: Int = 14) -> [(x: Int, y: Int)] {
        let grid = BatchView.layout(count: batch.count, imageWidth: batch.width, imageHeight: batch.height,
                                    in: Rect(x: 1, y: 1, width: width - 2, height: height - 2))!
        return (0..<min(batch.count, grid.across * grid.down)).map { (1 + $0 % grid.across * grid.cellWidth, 1 + $0 / grid.across * grid.cellHeight) }
    }

    @Test func rgbImagesAreDrawnInTheColourCube() {
        let batch = Self.rgbBatch()
        let buffer = Self.render(BatchView.Input(batch: batch, classNames: Self.cifarClasses, mode: .blocks))
        let corners = Self.corners(batch)
        #expect(corners.count == 4)
        for (corner, colour) in zip(corners, [196, 46, 21, 231] as [UInt8]) {
            let cell = buffer[corner.x, corner.y]
            #expect(cell.character == "▀" && cell.style.foreground == .index(colour) && cell.style.background == .index(colour), "\(cell)")
        }
        let text = buffer.text
        for caption in ["airplane", "✓airplane", "90%", "✓automobile", "✗cat", "40%"] { #expect(text.contains(caption), "\(caption) in \(text)") }
    }

    @Test func rgbImagesInAsciiAreTheirLuminance() {
        let batch = Self.rgbBatch()
        let buffer = Self.render(BatchView.Input(batch: batch, classNames: Self.cifarClasses, mode: .ascii))
        // Red, green, blue and white are 76, 149, 29 and 255 grey: `:`, `+`, `.` and `@` on the ramp.
        for (corner, character) in zip(Self.corners(batch), Array(":+.@")) {
            #expect(buffer[corner.x, corner.y].character == character)
        }
        #expect(buffer.lines[0].contains("Batch  ASCII (a)"))
    }

    @Test func greyImagesKeepTheGreyRamp() {
        let batch = Sample.snapshot().batch!
        let buffer = Self.render(BatchView.Input(batch: batch, classNames: Sample.snapshot().classNames, mode: .blocks), 80, 24)
        let corner = Self.corners(batch, 80, 24)[0]
        #expect(buffer[corner.x, corner.y].style.foreground == Draw.grey(0))
        #expect(buffer.text.contains("T-shirt/top") && buffer.text.contains("✗Trouser") && buffer.text.contains("50%"))
    }

    @Test func aPreviewThatDoesNotAddUpIsNoBatchYet() {
        var short = Self.rgbBatch()
        short.pixels.removeLast()
        var grey = Self.rgbBatch()
        grey.channels = 1  // three times the bytes one channel needs
        var noSize = Self.rgbBatch()
        noSize.width = 0
        var huge = Self.rgbBatch()
        huge.width = Int.max
        var fiveChannels = Self.rgbBatch()
        fiveChannels.channels = 5
        for batch in [short, grey, noSize, huge, fiveChannels, nil] {
            let lines = WidgetRendering.lines(Self.render(BatchView.Input(batch: batch, classNames: []), 30, 4))
            #expect(lines == ["┌─ Batch  ▀ blocks (a) ──────┐", "│ no batch yet               │", "│                            │", "└────────────────────────────┘"])
        }
    }

    @Test func missingClassNamesAreNumbers() {
        let text = Self.render(BatchView.Input(batch: Self.rgbBatch(), classNames: ["airplane"])).text
        #expect(text.contains("✓1 ") && text.contains("✗3 ") && !text.contains("cat"))
    }
}
