import Dashboard
import Foundation
import Testing

/// The board's views as text: golden screens at 80×24 and 120×40 (scalars, histograms as
/// ridges and heat, images), and what the screen says with no data or a filter that matches nothing.
struct BoardScreenTests {
    static let sizes = [(80, 24), (120, 40)]

    /// The sample after `keys`, rendered without colour.
    static func screen(_ keys: [String], width: Int, height: Int, colors: Bool = true) -> String {
        var state = BoardState(folder: "runs", width: width, height: height, colorsAvailable: colors)
        _ = reduceBoard(&state, .data(BoardSample.data()))
        _ = reduceBoard(&state, .progress(BoardProgress(folder: "runs", bytesRead: 123_456)))
        for key in keys { _ = reduceBoard(&state, .key(Key(name: key)!)) }
        return BoardView.render(state, theme: .monochrome).text
    }

    @Test(arguments: [("scalars", [String]()), ("scalars-zoomed", ["down", "enter"]), ("histograms-ridge", ["2"]),
                      ("histograms-heat", ["2", "h"]), ("images", ["3", "left"])])
    func goldenScreens(name: String, keys: [String]) {
        for (width, height) in Self.sizes {
            // Images in ASCII (no colours), so the text shows the picture.
            let text = Self.screen(keys, width: width, height: height, colors: name != "images")
            GoldenFrames.check(text, named: "board-\(name)-\(width)x\(height).txt")
        }
    }

    @Test func theScalarChartOverlaysBothRunsWithALegend() {
        let text = Self.screen([], width: 120, height: 40)
        #expect(text.contains("━ baseline") && text.contains("━ wide"), "\(text)")
        #expect(text.contains("┌─ accuracy/test") && text.contains("┌─ loss/train"))
        #expect(text.contains("smoothing 0.60"))
    }

    @Test func anEmptyFolderSaysWhatItWaitsFor() {
        let state = BoardState(folder: "runs", width: 100, height: 30)
        let text = BoardView.render(state, theme: .monochrome).text
        #expect(text.contains("no event files in runs yet"), "\(text)")
    }

    @Test func aFilterThatMatchesNothingSaysSo() {
        let text = Self.screen(["/", "z", "z", "enter"], width: 100, height: 30)
        #expect(text.contains("no scalar tag matches /zz/ (esc clears the filter)"), "\(text)")
    }

    @Test func readingALargeLogShowsHowFarItHasGot() {
        var state = BoardSample.state()
        _ = reduceBoard(&state, .progress(BoardProgress(folder: "runs", bytesRead: 250_000_000, unreadBytes: 750_000_000)))
        #expect(BoardView.render(state, theme: .monochrome).text.contains("reading 25% of 1.0 GB"))
    }

    @Test func damagedRecordsAreCountedAndListedInTheMessageLog() {
        var state = BoardSample.state()
        _ = reduceBoard(&state, .message("damaged: run-a/events.out.tfevents.1 at byte 120: bad CRC; skipped 40 bytes"))
        _ = reduceBoard(&state, .progress(BoardProgress(folder: "runs", problems: 1)))
        _ = reduceBoard(&state, .key(.character("m")))
        let text = BoardView.render(state, theme: .monochrome).text
        #expect(text.contains("1 damaged place skipped (m)"))
        #expect(text.contains("• damaged: run-a/events.out.tfevents.1 at byte 120: bad CRC; skipped 40 bytes"), "\(text)")
    }
}

/// The message log scrolls (↑↓ pgup/pgdn home end) so the first of many messages can be read.
struct MessageLogScrollTests {
    @Test func theOldestOfManyMessagesCanBeScrolledToAndAnyOtherKeyCloses() {
        var state = BoardSample.state(width: 80, height: 24)
        for i in 1...60 { _ = reduceBoard(&state, .message("damaged: run-\(i)/events at byte \(i * 100): bad CRC")) }
        _ = reduceBoard(&state, .key(.character("m")))
        var text = BoardView.render(state, theme: .monochrome).text
        #expect(text.contains("run-60/") && !text.contains("run-1/"))
        _ = reduceBoard(&state, .key(.home))
        text = BoardView.render(state, theme: .monochrome).text
        #expect(text.contains("• damaged: run-1/events at byte 100: bad CRC") && !text.contains("run-60/"), "\(text)")
        _ = reduceBoard(&state, .key(.end))
        #expect(state.messagesBack == 0)
        _ = reduceBoard(&state, .key(.up))
        #expect(state.messagesBack == 1 && state.showMessages)
        _ = reduceBoard(&state, .key(.character("x")))
        #expect(!state.showMessages && state.xAxis == .step, "the closing key does nothing else")
    }

    @Test func theDashboardsMessageLogScrollsToo() {
        var state = DashboardState(width: 80, height: 24)
        for i in 1...60 { state.message = "message \(i)" }
        _ = reduce(&state, .key(.character("m")))
        _ = reduce(&state, .key(.home))
        #expect(DashboardView.render(state, theme: .monochrome).text.contains("• message 1 "), "the first message, not message 10 or later")
        _ = reduce(&state, .key(.escape))
        #expect(!state.showMessages)
    }
}
