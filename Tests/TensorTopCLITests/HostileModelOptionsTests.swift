import Foundation
import Testing

/// `--layers` values that trapped or allocated without bound in `eval` and `predict` (which
/// skipped the checks `train` makes): every command that builds a model from the options
/// refuses them with the flag, the value and the figure, exit code 64.
@Suite struct HostileModelOptionsTests {
    /// The commands that build a model from `--layers`, each with what it needs besides.
    static func commands(data: String) -> [[String]] {
        let weights = Binary.checkpointFixture("mlp_seed1.pth").path
        return [["train", "--data", data, "--epochs", "1"], ["eval", "--weights", weights, "--data", data],
                ["predict", "--weights", weights, "--data", data, "--first", "3"]]
    }

    @Test(arguments: [
        ("784,,10", "Error: --layers: expected comma-separated widths like 784,512,256,10, got '784,,10', whose width 2 is empty\n"),
        ("784,10,", "Error: --layers: expected comma-separated widths like 784,512,256,10, got '784,10,', whose width 3 is empty\n"),
        ("784,5", "Error: --layers: must start with 784 (28×28 pixels) and end with 10 (classes), e.g. 784,512,256,10; got 784,5\n"),
        ("784,0,10", "Error: --layers: must start with 784 (28×28 pixels) and end with 10 (classes), e.g. 784,512,256,10; got 784,0,10\n"),
    ])
    func malformedWidthsAreRefusedByEveryCommand(_ layers: String, _ message: String) throws {
        let data = TrainCommandTests.dataFolder(train: 10, test: 20)
        for command in Self.commands(data: data) + [["dashboard", "--data", data]] {
            let result = try Binary.run(command + ["--layers", layers])
            #expect(result.status == 64, "\(command): \(result.stderr)")
            #expect(result.stderr.hasPrefix(message), "\(command): \(result.stderr)")
        }
    }

    /// fuzz: `eval --layers 784,9223372036854775807,10` trapped in `Shape.count`;
    /// `784,100000000,10` died allocating 318 GB.
    @Test(arguments: ["784,9223372036854775807,10", "784,100000000,10"])
    func modelsTooLargeForTheMachineAreRefusedWithTheFigure(_ layers: String) throws {
        let data = TrainCommandTests.dataFolder(train: 10, test: 20)
        for command in Self.commands(data: data) {
            let result = try Binary.run(command + ["--layers", layers])
            #expect(result.status == 64, "\(command): \(result.stderr)")
            let action = command[0] == "train" ? "training this" : "running \(layers) on 1000 images"
            #expect(result.stderr.hasPrefix("Error: --layers: \(action) needs at least "), "\(command): \(result.stderr)")
            #expect(result.stderr.contains(" but this machine has "), "\(command): \(result.stderr)")
        }
    }

    /// `demo --threads 100000` was refused by the trainer as "threads: …", and `--threads -1` as a missing value.
    @Test func demoSettingsAreRefusedNamingTheirFlag() throws {
        for threads in ["100000", "-1"] {
            let result = try Binary.run(["demo", "--threads", threads])
            #expect(result.status == 64, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("Error: --threads: must be between 1 and 64, got \(threads)\n"), "\(result.stderr)")
        }
    }

    /// The largest `--first` shows every test image there is.
    @Test func predictTakesTheLargestFirst() throws {
        let data = TrainCommandTests.dataFolder(train: 10, test: 20)
        let result = try Binary.run(["predict", "--weights", Binary.checkpointFixture("mlp_seed1.pth").path, "--data", data,
                                     "--first", "9223372036854775807", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 20)
    }
}
