import Foundation
import Testing

/// A recording that cannot be written at quit (its folder vanished) is an error, not exit 0.
@Suite struct RecordingWriteTests {
    @Test(.enabled(if: DashboardEndToEndTests.available, "needs tmux and the release build (make test builds it)"))
    func failedRecordingAtQuitExitsWithAnError() throws {
        let folder = Binary.temporaryDirectory()
        let recordings = folder.appendingPathComponent("recordings")
        try FileManager.default.createDirectory(at: recordings, withIntermediateDirectories: true)
        let dashboard = try DashboardSession("record", in: folder, arguments: "--record recordings/session.cast")
        defer { dashboard.close() }
        try #require(try dashboard.screen { $0.contains("RUNNING") } != nil)
        try FileManager.default.removeItem(at: recordings)
        try dashboard.send("q")
        let end = try dashboard.finish()
        #expect(end.status == 1, "\(end.pane)")
        #expect(end.pane.contains("Error: cannot write the recording: "), "\(end.pane)")
        #expect(end.pane.contains("recordings/session.cast"), "\(end.pane)")
        #expect(end.restored, "\(end.pane)")
    }
}
