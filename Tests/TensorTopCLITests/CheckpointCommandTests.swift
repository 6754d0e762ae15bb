import Foundation
import Testing

/// `tensortop inspect` and `tensortop convert`, run as a user would.
@Suite struct CheckpointCommandTests {
    @Test func versionAndHelp() throws {
        let version = try Binary.run(["--version"])
        #expect(version.status == 0)
        // "0.1.0", then the OpenBLAS kernel in use ("OpenBLAS core SkylakeX": the name depends on the CPU).
        let lines = version.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.split(separator: ".").count == 3)
        #expect(lines.last?.hasPrefix("OpenBLAS core ") == true)
        let help = try Binary.run(["--help"])
        #expect(help.stdout.contains("inspect"))
        #expect(help.stdout.contains("convert"))
    }

    @Test func inspectListsTensorsWithStatistics() throws {
        let result = try Binary.run(["inspect", Binary.checkpointFixture("mlp_seed1.pth").path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("PyTorch state dict, 4 tensors, 203530 elements"))
        let row = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("1.weight") })
        let cells = row.split(separator: " ").map(String.init)
        #expect(cells[0...3] == ["1.weight", "F32", "[256,", "784]"])
        #expect(Double(cells[6])! == -0.0357141)
        #expect(Double(cells[7])! == 0.0357141)
    }

    @Test func convertRoundTripsAndInspectAgrees() throws {
        let folder = Binary.temporaryDirectory()
        let pth = folder.appendingPathComponent("m.pth").path
        let back = folder.appendingPathComponent("m.safetensors").path
        #expect(try Binary.run(["convert", Binary.checkpointFixture("mlp_seed1.safetensors").path, pth]).status == 0)
        #expect(try Binary.run(["convert", pth, back]).status == 0)
        let original = try Binary.run(["inspect", Binary.checkpointFixture("mlp_seed1.safetensors").path]).stdout
        let converted = try Binary.run(["inspect", back]).stdout
        #expect(original.split(separator: "\n").dropFirst() == converted.split(separator: "\n").dropFirst())
    }

    @Test func badInputGetsAClearMessage() throws {
        let missing = try Binary.run(["inspect", "/nonexistent/model.safetensors"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("/nonexistent/model.safetensors: cannot read the file"))
        let evil = try Binary.run(["inspect", Binary.checkpointFixture("evil.pth").path])
        #expect(evil.status != 0)
        #expect(evil.stderr.contains("refusing to load"))
        let badExtension = try Binary.run(["convert", Binary.checkpointFixture("mixed.pth").path, "/tmp/out.txt"])
        #expect(badExtension.status != 0)
        #expect(badExtension.stderr.contains("OUT must end in .safetensors, .pth or .pt"))
    }
}
