import App
import CursesTerminal
import Dashboard
import Foundation
import Telemetry

/// The dashboard on the terminal, for any source: `tensortop` (live) and `tensortop replay`.
struct TerminalSession {
    /// A theme name or file (`--theme`); NO_COLOR or a terminal without colours means mono.
    var theme: String?
    /// Show pressed keys in an overlay (`--keys`).
    var showKeys = false
    /// Keep an asciicast of the session (`--record`).
    var recordCast = false

    /// Runs the dashboard on `source` until `q` or Ctrl-C, gives the terminal back and returns
    /// the recording (when `recordCast`). Preferences (theme, smoothing, log scale, speed) are
    /// read from and saved to the user's preferences file. `configure` sets up the app before
    /// the first frame.
    func run(_ source: any TelemetrySource, catalog: ThemeCatalog, configure: (DashboardApp) -> Void = { _ in }) -> Asciicast? {
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        let preferencesFile = PreferencesFile()
        // Read once here for the theme (which the screen needs first); the app applies the rest.
        let preferredTheme = preferencesFile.load().0.theme
        let interrupt = InterruptWatch()
        let screen = CursesScreen()
        defer { screen.restore() }
        let app = DashboardApp(source: source, catalog: catalog,
                               initialTheme: noColor || !screen.colorsAvailable ? "mono" : (theme ?? preferredTheme ?? ThemeCatalog.defaultName),
                               size: screen.size, colorsAvailable: screen.colorsAvailable)
        app.preferencesFile = preferencesFile
        app.loadPreferences()
        app.showKeys(showKeys)
        configure(app)
        return TerminalLoop.run(screen: screen, interrupt: interrupt, recordCast: recordCast, handle: { app.dispatch($0.action) },
                                poll: app.poll, frame: app.frame, quitting: { app.quitting })
    }
}

/// The loop every full-screen command shares: keys and resizes in, the source polled, the
/// frame drawn (changed cells only), until the app quits, Ctrl-C or the terminal goes away.
enum TerminalLoop {
    /// Runs the loop; returns the asciicast recording when `recordCast`.
    static func run(screen: CursesScreen, interrupt: InterruptWatch, recordCast: Bool, handle: (TerminalInput) -> Void,
                    poll: () -> Void, frame: () -> Buffer, quitting: () -> Bool) -> Asciicast? {
        var recording = recordCast ? Asciicast(width: screen.size.width, height: screen.size.height, title: "TensorTop",
                                               timestamp: Int(Date().timeIntervalSince1970)) : nil
        let started = Date()
        var lastFrame: Buffer?
        while !quitting() && !interrupt.fired && !screen.terminalGone {
            var inputs: [TerminalInput] = []
            if let input = screen.read(timeout: 50) { inputs.append(input) }
            while let more = screen.read(timeout: 0) { inputs.append(more) }
            if let size = screen.checkResize() { inputs.append(.resize(width: size.width, height: size.height)) }
            for input in inputs { handle(input) }
            poll()
            let shown = frame()
            screen.draw(shown)
            if recording != nil, shown != lastFrame {
                recording!.frame(shown, at: Date().timeIntervalSince(started))
                lastFrame = shown
            }
        }
        return recording
    }
}
