import Foundation
import Testing
import TestSupport

/// The release dashboard in tmux with the mouse: a click selects a gradient row, and mouse
/// reporting is off again once the dashboard has quit.
@Suite(.serialized) struct MouseTests {
    /// A tmux format value for the session's pane (`#{mouse_any_flag}` is 1 while the program asks for mouse reports).
    static func paneFlag(_ session: String, _ format: String) throws -> String {
        try Tmux.run(["display-message", "-p", "-t", session, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(.enabled(if: DashboardEndToEndTests.available, "needs tmux and the release build (make test builds it)"))
    func aClickSelectsAGradientRowAndQuittingEndsMouseReports() throws {
        let dashboard = try DashboardSession("mouse")
        defer { dashboard.close() }
        let screen = try #require(try dashboard.screen { $0.contains("RUNNING") && $0.contains("Weights 1.weight") && $0.contains("│3.weight") })
        #expect(try Self.paneFlag(dashboard.name, "#{mouse_any_flag}") == "1")
        // The gradient table's row of 3.weight: the last line that starts a panel row with it.
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        let row = try #require(lines.lastIndex { String($0).contains("│3.weight") })
        let column = try #require((0..<lines[row].count).last { String(lines[row][$0...]).hasPrefix("│3.weight") }) + 2
        // A left-button press as the terminal would send it: SGR form if asked for, else X10.
        let sgr = try Self.paneFlag(dashboard.name, "#{mouse_sgr_flag}") == "1"
        let press = sgr ? "\u{1B}[<0;\(column + 1);\(row + 1)M"
            : "\u{1B}[M " + String(UnicodeScalar(UInt8(33 + column))) + String(UnicodeScalar(UInt8(33 + row)))
        try Tmux.run(["send-keys", "-t", dashboard.name, "-l", press])
        #expect(try dashboard.screen { $0.contains("Weights 3.weight") } != nil)
        let end = try dashboard.finish(sending: ["q"])
        #expect(end.status == 0, "\(end.pane)")
        #expect(end.restored, "\(end.pane)")
        #expect(try Self.paneFlag(dashboard.name, "#{mouse_any_flag}") == "0")
    }

    @Test(.enabled(if: DashboardEndToEndTests.available, "needs tmux and the release build (make test builds it)"))
    func aFatalSignalEndsMouseReportsToo() throws {
        let dashboard = try DashboardSession("mouse-hup")
        defer { dashboard.close() }
        try #require(try dashboard.screen { $0.contains("RUNNING") && $0.contains("Gradients") } != nil)
        #expect(try Self.paneFlag(dashboard.name, "#{mouse_any_flag}") == "1")
        #expect(kill(try #require(try dashboard.processID()), SIGHUP) == 0)
        let end = try dashboard.finish()
        #expect(end.status == 128 + Int(SIGHUP) && end.restored, "\(end.pane)")
        #expect(try Self.paneFlag(dashboard.name, "#{mouse_any_flag}") == "0")
    }
}
