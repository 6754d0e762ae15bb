import Foundation
import Testing
import App
import Dashboard
import TestSupport

/// Demo scripts: parsing, the bundled demos against their golden frames, and recordings that
/// replay to the same screens.
@Suite(.serialized) struct DemoTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let demos = root.appendingPathComponent("demos")
    static var dataInstalled: Bool {
        FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")
            || ProcessInfo.processInfo.environment["TENSORTOP_DATA"] != nil
    }
    static var recording: Bool { ProcessInfo.processInfo.environment["TENSORTOP_RECORD_GOLDEN"] == "1" }

    @Test func scriptErrorsNameTheLine() {
        let cases: [(String, String)] = [
            ("steps 0", "t.tt:1: expected `steps N`"),
            ("\n# comment\nkey nope", "t.tt:3: expected `key NAME`"),
            ("wait soon", "t.tt:1: expected `wait 500ms`"),
            ("frame bad name!", "t.tt:1: expected `frame NAME`"),
            ("caption no quotes", "t.tt:1: expected `caption \"text\"`"),
            ("resize 10x5", "t.tt:1: expected `resize WIDTHxHEIGHT`"),
            ("jump 3", "t.tt:1: unknown command 'jump'"),
            ("steps 1\nsettings lr=1", "t.tt:2: `settings` must come before the first command"),
            ("settings speed=9", "t.tt:1: expected settings key=value"),
        ]
        for (text, message) in cases {
            let error = #expect(throws: DemoScript.ParseError.self) { try DemoScript(text: text, file: "t.tt") }
            #expect(error?.description.hasPrefix(message) == true, "\(text): \(error?.description ?? "")")
        }
        let script = try? DemoScript(text: "# a demo\nsteps 3\nkey space\ntype n+\nwait 250ms\nframe a-1\ncaption \"hi\"\ntheme light\nresize 80x24", file: "ok.tt")
        #expect(script?.commands.map(\.command) == [.steps(3), .key(.character(" ")), .type("n+"), .wait(seconds: 0.25), .frame("a-1"),
                                                     .caption("hi"), .theme("light"), .resize(width: 80, height: 24)])
    }

    @Test func windowsLineEndingsSplitLikeUnixOnes() throws {
        // "\r\n" is one Character in Swift: a script saved on Windows must still be one command a line.
        let script = try DemoScript(text: "# a demo\r\nsteps 3\r\nkey space\r\n", file: "crlf.tt")
        #expect(script.commands.map(\.command) == [.steps(3), .key(.character(" "))])
        #expect(script.commands.map(\.line) == [2, 3])
        let error = #expect(throws: DemoScript.ParseError.self) { try DemoScript(text: "steps 1\r\njump 3", file: "t.tt") }
        #expect(error?.description.hasPrefix("t.tt:2: unknown command 'jump'") == true)
    }

    /// The demos that come with tensortop (demos/NAME.tt), each with golden frames.
    static let bundledDemos = ["tour", "init-methods", "learning-rates", "cnn", "autograd", "reductions", "branch"]

    @Test(.enabled(if: dataInstalled, "needs Fashion-MNIST (make deps installs it)"), arguments: bundledDemos)
    func bundledDemoMatchesItsGoldenFrames(name: String) throws {
        let script = try DemoScript(contentsOf: Self.demos.appendingPathComponent("\(name).tt"))
        var options = DemoRunner.Options()
        options.catalog = ThemeCatalog(executable: Self.root.appendingPathComponent(".build/release/tensortop"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tt-demo-\(UUID().uuidString)")
        options.framesFolder = folder
        let cast = folder.appendingPathComponent("\(name).cast")
        options.castFile = cast
        let frames = try DemoRunner(script: script, options: options).run()
        #expect(!frames.isEmpty)
        let golden = Self.demos.appendingPathComponent("golden/\(name)")
        for (frame, text) in frames {
            // The file written equals the frame, and the frame equals the committed golden one.
            #expect(try String(contentsOf: folder.appendingPathComponent("\(frame).txt"), encoding: .utf8) == text)
            let goldenFile = golden.appendingPathComponent("\(frame).txt")
            if Self.recording {
                try FileManager.default.createDirectory(at: golden, withIntermediateDirectories: true)
                try text.write(to: goldenFile, atomically: true, encoding: .utf8)
            } else {
                let expected = try? String(contentsOf: goldenFile, encoding: .utf8)
                #expect(text == expected, "\(name)/\(frame) differs from demos/golden (TENSORTOP_RECORD_GOLDEN=1 re-records)")
            }
        }
        try checkCast(cast, frames: frames, name: name)
    }

    /// The release binary, which `make test` builds before the tests.
    static let releaseBinary = root.appendingPathComponent(".build/release/tensortop")
    static var releaseBuilt: Bool { FileManager.default.isExecutableFile(atPath: releaseBinary.path) }

    /// One way to run the release binary: an OpenBLAS kernel, a thread count, and extra environment.
    struct Machine: Sendable, CustomStringConvertible {
        let coreType: String
        let threads: Int
        var environment: [String: String] = [:]
        var description: String { "\(coreType) ×\(threads)" + (environment.isEmpty ? "" : " \(environment)") }
    }

    /// OpenBLAS's kernels for five x86-64 generations (each sums in its own order; some use FMA)
    /// with 1 and 2 threads, and glibc's libm without its FMA/AVX2 variants.
    static let machines: [Machine] = ["Prescott", "Sandybridge", "Haswell", "SkylakeX", "Zen"].flatMap { core in
        [1, 2].map { Machine(coreType: core, threads: $0) }
    } + [Machine(coreType: "Prescott", threads: 1, environment: ["GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2,-FMA"])]

    /// Each bundled demo played by the release binary as separate processes (two at a time, one
    /// per core) on every machine above gives the golden frames, byte for byte; the in-process
    /// debug run above gives them too. OPENBLAS_VERBOSE=2 shows the kernel really changed.
    @Test(.enabled(if: dataInstalled, "needs Fashion-MNIST (make deps installs it)"),
          .enabled(if: releaseBuilt, "needs the release binary (make test builds it: swift build -c release --product tensortop)"),
          arguments: bundledDemos)
    func releaseBinaryGivesTheGoldenFramesOnEveryCPUKernelAndThreadCount(name: String) throws {
        let golden = try Self.textFiles(in: Self.demos.appendingPathComponent("golden/\(name)"))
        #expect(!golden.isEmpty)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("tt-machines-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        var pending = Array(Self.machines.enumerated())
        while !pending.isEmpty {
            let batch = pending.prefix(2)
            pending.removeFirst(batch.count)
            let runs = try batch.map { index, machine in
                try (machine, Self.startDemo(name, machine: machine, folder: work.appendingPathComponent("\(index)")))
            }
            for (machine, (process, folder, log)) in runs {
                process.waitUntilExit()
                let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                #expect(process.terminationStatus == 0, "\(name) on \(machine): \(output)")
                #expect(output.contains("Core: \(machine.coreType)"), "\(name): OpenBLAS did not take core type \(machine.coreType): \(output.prefix(300))")
                let frames = try Self.textFiles(in: folder)
                #expect(frames.keys.sorted() == golden.keys.sorted(), "\(name) on \(machine): frame names")
                for (file, text) in frames.sorted(by: { $0.key < $1.key }) where text != golden[file] {
                    Issue.record("\(name)/\(file) on \(machine) differs from demos/golden")
                }
            }
        }
    }

    /// Starts `tensortop demo NAME --frames FOLDER` on `machine`; output goes to a log file.
    static func startDemo(_ name: String, machine: Machine, folder: URL) throws -> (Process, URL, URL) {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let frames = folder.appendingPathComponent("frames")
        let log = folder.appendingPathComponent("log.txt")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = releaseBinary
        process.arguments = ["demo", name, "--threads", "\(machine.threads)", "--frames", frames.path]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["OPENBLAS_CORETYPE": machine.coreType, "OPENBLAS_NUM_THREADS": "\(machine.threads)", "OPENBLAS_VERBOSE": "2"]
                .merging(machine.environment) { $1 }) { $1 }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, frames, log)
    }

    /// The `.txt` files of a folder by name.
    static func textFiles(in folder: URL) throws -> [String: String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var files: [String: String] = [:]
        for name in names where name.hasSuffix(".txt") {
            files[name] = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        }
        return files
    }

    /// The recording is asciicast v2 with one marker per frame, and its output up to each
    /// marker, played by a real terminal (tmux), shows that frame.
    func checkCast(_ url: URL, frames: [(name: String, text: String)], name: String) throws {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(header["version"] as? Int == 2)
        #expect(header["width"] as? Int == 120 && header["height"] as? Int == 40)
        #expect(header["timestamp"] is Int && header["title"] is String && header["env"] is [String: Any])
        var output = ""
        var outputs: [String: String] = [:]
        var lastTime = -1.0
        for line in lines.dropFirst() {
            let event = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [Any]
            let time = event[0] as! Double
            #expect(time >= lastTime)
            lastTime = time
            if event[1] as? String == "o" { output += event[2] as! String }
            if event[1] as? String == "m" { outputs[event[2] as! String] = output }
        }
        #expect(outputs.keys.sorted() == frames.map(\.name).sorted())
        // A frame taken after a `resize` has another size than the recording's terminal: the
        // replay compares the last frame of the recording's own size.
        let fullSize = frames.last { $0.text.split(separator: "\n", omittingEmptySubsequences: false).count >= 40 }
        guard Tmux.available, let (frame, text) = fullSize else { return }
        // Replay the recording up to that frame's marker in a 120×40 terminal.
        let replay = FileManager.default.temporaryDirectory.appendingPathComponent("tt-replay-\(UUID().uuidString).ansi")
        try Data(outputs[frame]!.utf8).write(to: replay)
        let session = "tt-replay-\(UUID().uuidString.prefix(8))"
        try Tmux.run(["new-session", "-d", "-s", session, "-x", "120", "-y", "40", "cat \(replay.path); sleep 60"])
        defer { _ = try? Tmux.run(["kill-session", "-t", session]) }
        func trimmed(_ lines: [Substring]) -> [String] { lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) } }
        // The last row is left out: a terminal's bottom-right cell is not written (it would scroll).
        let expected = trimmed(Array(text.split(separator: "\n", omittingEmptySubsequences: false).prefix(39)))
        // Read the pane until it shows the frame (cat may still be writing) or 30 s pass.
        var shown: [String] = []
        let deadline = Date().addingTimeInterval(30)
        repeat {
            let screen = try Tmux.run(["capture-pane", "-t", session, "-p"])
            shown = trimmed(Array(screen.split(separator: "\n", omittingEmptySubsequences: false).prefix(39)))
        } while shown != expected && Date() < deadline
        #expect(shown == expected, "\(name): the replayed recording differs from frame \(frame)")
    }

}
