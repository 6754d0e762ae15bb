import Foundation
import Testing
import TestSupport

/// The commands that write user files: destinations checked before any work, no write through
/// a planted link, no file replaced by `F`, stale temporary files of killed runs removed.
@Suite struct WriteSafetyCommandTests {
    static func script(_ text: String) throws -> URL {
        let url = Binary.temporaryDirectory().appendingPathComponent("script.tt")
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func trainRefusesAMissingSaveFolderBeforeTraining() throws {
        let data = TrainCommandTests.dataFolder()
        let missing = Binary.temporaryDirectory().appendingPathComponent("no/such/m.safetensors").path
        let result = try Binary.run(["train", "--data", data, "--epochs", "50", "--save", missing])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(missing): the folder") && result.stderr.contains("does not exist"), "\(result.stderr)")
        #expect(!result.stdout.contains("epoch"))  // refused before the first epoch
    }

    /// What a SIGKILL during `train --save` leaves behind is removed by the next save there.
    @Test(arguments: ["m.safetensors", "m.pth"])
    func saveRemovesTheTemporaryFileOfAKilledSave(name: String) throws {
        let folder = Binary.temporaryDirectory()
        let stale = folder.appendingPathComponent(".\(name).tmp-\(try EndedProcess.id())-5eed")
        try Data(repeating: 7, count: 1000).write(to: stale)
        let model = folder.appendingPathComponent(name)
        let result = try Binary.run(["train", "--data", TrainCommandTests.dataFolder(), "--epochs", "1", "--save", model.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [name])
        let inspect = try Binary.run(["inspect", model.path])
        #expect(inspect.status == 0 && inspect.stdout.contains("1.weight"), "\(inspect.stdout)\(inspect.stderr)")
    }

    @Test func dashboardRefusesAnUnwritableRecordingBeforeStarting() throws {
        let data = TrainCommandTests.dataFolder()
        let missing = Binary.temporaryDirectory().appendingPathComponent("gone/session.cast").path
        // Refused before the terminal is taken over (standard input is not even a terminal here).
        let result = try Binary.run(["--data", data, "--record", missing])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(missing): the folder") && result.stderr.contains("does not exist"), "\(result.stderr)")
    }

    @Test func demoSizeIsBounded() throws {
        let result = try Binary.run(["demo", "--size", "100000x100000"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--size must look like 120x40, from 20x10 to 1000x500; got '100000x100000'"))
    }

    @Test func demoRefusesAnUnknownThemeWithItsLine() throws {
        let url = try Self.script("steps 1\n\ntheme nope\n")
        let result = try Binary.run(["demo", url.path, "--data", TrainCommandTests.dataFolder()])
        #expect(result.status == 1)
        #expect(result.stderr.contains("script:3: theme nope: no such theme in "), "\(result.stderr)")
    }

    @Test func demoWithoutDestinationsPrintsItsFrames() throws {
        let url = try Self.script("steps 1\nframe first\nkey space\nframe paused\n")
        let result = try Binary.run(["demo", url.path, "--data", TrainCommandTests.dataFolder(), "--size", "80x24"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let headers = lines.filter { $0.hasPrefix("── frame ") }
        #expect(headers == ["── frame first ──", "── frame paused ──"])
        #expect(lines.count == 2 * 25 + 2)  // two 24-row frames under their headers, the summary, the final newline
        #expect(result.stdout.contains("PAUSED"))
        #expect(result.stdout.contains("played script: 4 commands, 2 frames (printed above; keep them with --frames DIR or --cast FILE)"))
    }

    /// `F` pressed twice at the same step (and a file of the user's already there) never replaces a file.
    @Test func frameKeyNeverOverwrites() throws {
        let url = try Self.script("steps 1\nkey F\nkey F\nframe end\n")
        let frames = Binary.temporaryDirectory()
        let mine = frames.appendingPathComponent("frame-step-000001.txt")
        try Data("mine\n".utf8).write(to: mine)
        let result = try Binary.run(["demo", url.path, "--data", TrainCommandTests.dataFolder(), "--frames", frames.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOf: mine, encoding: .utf8) == "mine\n")
        let names = try FileManager.default.contentsOfDirectory(atPath: frames.path).sorted()
        #expect(names == ["end.txt", "frame-step-000001-2.txt", "frame-step-000001-3.txt", "frame-step-000001.txt"])
        let second = try String(contentsOf: frames.appendingPathComponent("frame-step-000001-2.txt"), encoding: .utf8)
        #expect(second.contains("Loss"))
    }

    /// The old predictable temporary name with a link to a victim: the victim is untouched; stale
    /// temporary files of a killed run are removed, a live process's are kept.
    @Test func demoCastNeverWritesThroughAPlantedLink() throws {
        let folder = Binary.temporaryDirectory()
        let victim = folder.appendingPathComponent("victim.txt")
        try Data("precious".utf8).write(to: victim)
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent(".out.cast.tmp"), withDestinationURL: victim)
        let dead = try EndedProcess.id()
        let stale = folder.appendingPathComponent(".out.cast.tmp-\(dead)-beef")
        let live = folder.appendingPathComponent(".out.cast.tmp-\(getpid())-beef")
        for url in [stale, live] { try Data().write(to: url) }
        let url = try Self.script("steps 1\nframe a\n")
        let result = try Binary.run(["demo", url.path, "--data", TrainCommandTests.dataFolder(), "--cast", folder.appendingPathComponent("out.cast").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOf: victim, encoding: .utf8) == "precious")
        #expect(try String(contentsOf: folder.appendingPathComponent("out.cast"), encoding: .utf8).hasPrefix("{\""))
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(FileManager.default.fileExists(atPath: live.path))
    }

    @Test func demoCastIntoAMissingFolderFailsBeforePlaying() throws {
        let url = try Self.script("steps 1\nframe a\n")
        let cast = Binary.temporaryDirectory().appendingPathComponent("missing/out.cast").path
        // No --data: the destination is refused before the trainer looks for any.
        let result = try Binary.run(["demo", url.path, "--data", "/nonexistent", "--cast", cast])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(cast): the folder"), "\(result.stderr)")
    }

    @Test func dataExportNeverWritesThroughAPlantedLink() throws {
        let out = Binary.temporaryDirectory()
        let classFolder = out.appendingPathComponent("train/0-T-shirt-top")
        try FileManager.default.createDirectory(at: classFolder, withIntermediateDirectories: true)
        let victim = out.appendingPathComponent("victim.txt")
        try Data("precious".utf8).write(to: victim)
        try FileManager.default.createSymbolicLink(at: classFolder.appendingPathComponent(".000.png.tmp"), withDestinationURL: victim)
        let stale = classFolder.appendingPathComponent(".010.png.tmp-\(try EndedProcess.id())-abc")
        try Data().write(to: stale)
        let result = try Binary.run(["data", "export", "--data", TrainCommandTests.dataFolder(), "--to", out.path, "--train", "--limit", "20"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOf: victim, encoding: .utf8) == "precious")
        #expect(FileManager.default.fileExists(atPath: classFolder.appendingPathComponent("000.png").path))
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        let names = try FileManager.default.contentsOfDirectory(atPath: classFolder.path).sorted()
        #expect(names == [".000.png.tmp", "000.png", "010.png"])
    }
}
