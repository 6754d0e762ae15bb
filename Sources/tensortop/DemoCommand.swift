import App
import ArgumentParser
import Dashboard
import Foundation
import Training

/// `tensortop demo [SCRIPT]`: play a scripted session headlessly into text frames and an asciicast.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Play a scripted dashboard session with no terminal; write text frames and an asciicast recording.",
        discussion: """
            Without SCRIPT the bundled tour plays (demos/tour.tt). A script has one command a line \
            (# starts a comment): steps N, key NAME, type TEXT, wait 500ms, frame NAME, caption "text", \
            theme NAME, resize 80x24. Training moves only with `steps` (and the n key), so the same \
            script, seed and size give the same frames on any machine. Without --frames or --cast \
            each frame is printed to standard output, under a line naming it. With --record-run the \
            run is recorded as it plays (replay it with `tensortop replay`); with --replay the script \
            plays against a recording instead of training (its keys move the timeline; `steps` is refused).
            """)

    @Argument(help: "A demo script, or the name of a bundled one (tour, init-methods, learning-rates, cnn, autograd, reductions, branch).")
    var script: String = "tour"

    @Option(name: .long, help: "The screen size.")
    var size: String = "120x40"

    @Option(name: .long, help: ArgumentHelp("Write each `frame` as DIR/NAME.txt.", valueName: "dir"))
    var frames: String?

    @Option(name: .long, help: ArgumentHelp("Write an asciicast v2 recording (asciinema play FILE).", valueName: "file"))
    var cast: String?

    @Option(name: .long, help: ArgumentHelp("Record the run's telemetry as it plays (.ttrun; the same on every machine). An existing file is refused.", valueName: "file"))
    var recordRun: String?

    @Option(name: .long, help: ArgumentHelp("Play the script against this recorded run instead of training.", valueName: "run.ttrun"))
    var replay: String?

    @Flag(name: .long, help: "Show pressed keys in an overlay, as screencasts do.")
    var keys = false

    @Option(name: .long, parsing: .unconditional, help: "Random seed.")
    var seed: UInt64 = 0

    @Option(name: .long, parsing: .unconditional, help: "Threads sharing each training step (demos compute in a fixed order, so the frames do not depend on it).")
    var threads: Int = 1

    @Option(name: .long, help: ArgumentHelp("The Fashion-MNIST folder.", valueName: "path"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp("The starting theme.", valueName: "name|path"))
    var theme: String = ThemeCatalog.defaultName

    /// The `--size` value as width and height, within `DemoRunner`'s bounds.
    func parsedSize() throws -> (Int, Int) {
        let (smallest, largest) = (DemoRunner.smallestSize, DemoRunner.largestSize)
        let parts = size.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 2, let width = parts[0], let height = parts[1], (try? DemoRunner.checkSize(width: width, height: height)) != nil else {
            throw ValidationError("--size must look like 120x40, from \(smallest.width)x\(smallest.height) to \(largest.width)x\(largest.height); got '\(size)'")
        }
        return (width, height)
    }

    /// Refuses a size or a setting that cannot work before anything runs, naming its flag (exit code 64).
    func validate() throws {
        _ = try parsedSize()
        if recordRun != nil && replay != nil { throw ValidationError("--record-run and --replay cannot go together: a replay records nothing new") }
        do {
            _ = try ConfigError.namingFlags { try config(DemoRunner.defaultConfig()).validate() }
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// `base` with the settings the options give (the script may change others).
    func config(_ base: TrainingConfig) -> TrainingConfig {
        var config = base
        config.seed = seed
        config.dataRoot = data
        config.threads = threads
        return config
    }

    func run() throws {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0])
        let url = try CommandLineError.wrap { try Self.locate(script, executable: executable) }
        let parsed = try CommandLineError.wrap { try DemoScript(contentsOf: url) }
        var options = DemoRunner.Options()
        (options.width, options.height) = try parsedSize()
        options.framesFolder = frames.map { URL(fileURLWithPath: $0) }
        options.castFile = cast.map { URL(fileURLWithPath: $0) }
        options.showKeys = keys
        options.theme = theme
        options.catalog = ThemeCatalog(executable: executable)
        options.config = config(options.config)
        options.recordRun = recordRun.map { URL(fileURLWithPath: $0) }
        options.recordVersion = TensorTopVersion.current
        options.recordCommand = (["tensortop"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        options.replay = replay.map { URL(fileURLWithPath: $0) }
        let runner = DemoRunner(script: parsed, options: options)
        let written = try CommandLineError.wrap { try runner.run() }
        if frames == nil && cast == nil {
            for (name, text) in written { print("── frame \(name) ──\n" + text, terminator: "") }
        }
        print("played \(parsed.name): \(parsed.commands.count) commands, \(written.count) frames"
              + (frames.map { " in \($0)" } ?? (cast == nil ? " (printed above; keep them with --frames DIR or --cast FILE)" : ""))
              + (cast.map { ", recording \($0)" } ?? "")
              + (recordRun.map { "; recorded the run to \($0) (tensortop replay \($0))" } ?? ""))
    }

    /// A script path, or a bundled demo's name looked up in `demos/` (cwd, $TENSORTOP_DEMOS, above the binary).
    static func locate(_ name: String, executable: URL) throws -> URL {
        if name.contains("/") || name.hasSuffix(".tt") { return URL(fileURLWithPath: name) }
        let folders = ResourceFolders.candidates(named: "demos", environmentVariable: "TENSORTOP_DEMOS", executable: executable)
        for folder in folders {
            let url = folder.appendingPathComponent(name + ".tt")
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw DemoScript.ParseError(file: name, line: 0, problem: "no demo script '\(name).tt' in \(folders.prefix(3).map(\.path).joined(separator: ", "))")
    }
}
