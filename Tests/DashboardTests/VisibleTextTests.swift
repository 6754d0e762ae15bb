import Foundation
import Testing
@testable import Dashboard

/// Control characters from names and files never reach a terminal, a frame or a recording raw.
@Suite struct VisibleTextTests {
    @Test func controlCharactersBecomeVisibleSymbolsOfOneCell() {
        #expect(VisibleText.escaping("dark\u{1B}[31m") == "dark\u{241B}[31m")
        #expect(VisibleText.escaping("a\u{0}b\u{7}c\u{7F}d\u{9B}e") == "a\u{2400}b\u{2407}c\u{2421}d\u{FFFD}e")
        #expect(VisibleText.escaping("line\r\nnext\ttab") == "line\u{FFFD}next\u{2409}tab")
        #expect(VisibleText.escaping("okabe-ito é ✓ 0.5") == "okabe-ito é ✓ 0.5")
        #expect(VisibleText.escaping("abc\u{202E}fed\u{2066}x\u{2069}") == "abc\u{FFFD}fed\u{FFFD}x\u{FFFD}")
    }

    @Test func bufferAndRecordingShowAThemeNameWithEscapes() throws {
        var buffer = Buffer(width: 20, height: 1)
        let end = buffer.put("theme \u{1B}[2J\u{1B}]0;x\u{7}", x: 0, y: 0)
        #expect(end == 16)  // one cell per character, as before
        #expect(buffer.text == "theme \u{241B}[2J\u{241B}]0;x\u{2407}")
        #expect(!buffer.cells.contains { $0.character.unicodeScalars.contains { $0.properties.generalCategory == .control } })
        // A cell set directly is escaped on its way into a recording.
        buffer[0, 0] = Cell("\u{1B}")
        #expect(ANSI.update(from: nil, to: buffer).contains("\u{241B}"))

        var cast = Asciicast(width: 20, height: 1, title: "demo \u{1B}[31mred", timestamp: 0)
        cast.marker("m\u{1B}", at: 1)
        let header = try JSONSerialization.jsonObject(with: Data(cast.lines[0].utf8)) as? [String: Any]
        #expect(header?["title"] as? String == "demo \u{241B}[31mred")
        #expect(cast.lines[1] == "[1,\"m\",\"m\u{241B}\"]")
    }

    /// A theme file whose name holds an escape sequence shows it escaped in the status bar.
    @Test func themeNameFromAFileIsEscapedInTheFrame() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tt-theme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let roles = Dictionary(uniqueKeysWithValues: Theme.Role.allCases.map { ($0.rawValue, [String: String]()) })
        let file = ["name": "evil\u{1B}[2J\u{1B}[31m", "roles": roles] as [String: Any]
        let url = folder.appendingPathComponent("evil.json")
        try JSONSerialization.data(withJSONObject: file).write(to: url)
        let theme = try Theme.load(from: url)
        var state = DashboardState(width: 120, height: 40, themeName: theme.name)
        state.snapshot = Sample.snapshot()
        let frame = DashboardView.render(state, theme: theme)
        #expect(frame.text.contains("theme evil\u{241B}[2J\u{241B}[31m"))
        #expect(!frame.text.contains("\u{1B}"))
        #expect(!ANSI.update(from: nil, to: frame).contains("\u{1B}[2J\u{1B}[31m"))
    }

    @Test func recordingTimesStayFiniteAndInOrder() throws {
        var cast = Asciicast(width: 20, height: 1, title: "t", timestamp: 0)
        let buffer = Buffer(width: 20, height: 1)
        for time in [0.5, .infinity, .nan, 0.25, 2, -.infinity, 1e300] { cast.frame(buffer, at: time) }
        let times = try cast.lines.dropFirst().map { line in
            try #require((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Any])?.first as? Double)
        }
        #expect(times == [0.5, 0.5, 0.5, 0.5, 2, 2, Asciicast.latestTime])
    }
}

/// Wide characters would take two cells each and push a line out of place.
struct WideCharacterTests {
    @Test func wideCharactersShowAsOneCellStandInsAndNarrowOnesStay() {
        #expect(VisibleText.escaping("weird/ünïcödé 名前 ✓") == "weird/ünïcödé \u{FFFD}\u{FFFD} ✓")
        #expect(VisibleText.escaping("손실 ＡＢ 🚀") == "\u{FFFD}\u{FFFD} \u{FFFD}\u{FFFD} \u{FFFD}")
        #expect(VisibleText.escaping("loss/train ▀▁█ ⠿ ━ │") == "loss/train ▀▁█ ⠿ ━ │")
    }

    @Test func aBoardTagWithWideCharactersKeepsItsCardInsideTheScreen() {
        var state = BoardState(folder: "runs", width: 80, height: 24)
        _ = reduceBoard(&state, .data(BoardData(runs: ["a"], scalars: ["weird/ünïcödé 名前 ✓": [BoardSeries(run: "a", items: [
            BoardPoint(step: 0, wallTime: 0, value: 1), BoardPoint(step: 1, wallTime: 1, value: 2)])]])))
        let buffer = BoardView.render(state, theme: .monochrome)
        #expect(buffer.lines.allSatisfy { $0.count == 80 })
        #expect(buffer.text.contains("┌─ weird/ünïcödé \u{FFFD}\u{FFFD} ✓ "))
    }
}
