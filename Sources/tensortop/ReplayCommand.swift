import ArgumentParser
import Dashboard
import Foundation
import Recording

/// `tensortop replay RUN.ttrun`: the dashboard on a recorded run, with a timeline.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a recorded run (tensortop train --record RUN.ttrun) in the dashboard.",
        discussion: """
            ←/→ step through the snapshots, home/end jump to the first/last, space plays and pauses, \
            < and > change the play speed. A truncated or damaged recording replays up to the damage \
            and says where it stopped. With --follow, a run still being written is followed as it grows.
            """)

    @Argument(help: ArgumentHelp("The recording to replay.", valueName: "run.ttrun"))
    var file: String

    @Flag(name: .long, help: "Follow a recording that is still being written (like tail -f), starting at its newest snapshot.")
    var follow = false

    @Option(name: .long, help: ArgumentHelp("A theme name (dark, light, okabe-ito, high-contrast, mono) or a theme file.", valueName: "name|path"))
    var theme: String?

    @Flag(name: .long, help: "Show pressed keys in an overlay (for recordings).")
    var keys = false

    func run() throws {
        // Open the recording before taking over the terminal: an unreadable file is a plain message.
        let source = try CommandLineError.wrap { try ReplaySource(contentsOf: URL(fileURLWithPath: file), follow: follow) }
        let catalog = ThemeCatalog(executable: URL(fileURLWithPath: CommandLine.arguments[0]))
        _ = TerminalSession(theme: theme, showKeys: keys).run(source, catalog: catalog)
    }
}
