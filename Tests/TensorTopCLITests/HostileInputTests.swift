import Foundation
import Testing
import TestSupport

/// The data, option and trainer reproducers of the fuzzing run (issue 10), through the binary:
/// each ends with a clear message and an exit code below 128, or trains.
@Suite struct HostileInputTests {
    /// A data folder whose training images are `bytes` (gzipped as given), the other files valid.
    static func dataFolder(trainImages bytes: Data) throws -> String {
        let folder = URL(fileURLWithPath: TrainCommandTests.dataFolder(train: 50, test: 20))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("train-images-idx3-ubyte"))
        try bytes.write(to: folder.appendingPathComponent("train-images-idx3-ubyte.gz"))
        return folder.path
    }

    /// gzip of `bytes` through the system's gzip (the test target links no zlib).
    static func gzip(_ bytes: Data) throws -> Data {
        let folder = Binary.temporaryDirectory()
        let file = folder.appendingPathComponent("f")
        try bytes.write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-9", "-n", file.path]
        try process.run()
        process.waitUntilExit()
        return try Data(contentsOf: folder.appendingPathComponent("f.gz"))
    }

    /// IDX image header bytes for `dims`.
    static func imageHeader(_ dims: [UInt32]) -> Data {
        var bytes: [UInt8] = [0, 0, 8, UInt8(dims.count)]
        for d in dims { bytes += withUnsafeBytes(of: d.bigEndian) { Array($0) } }
        return Data(bytes)
    }

    /// fuzz data_idx_dims_overflow/: dims 2³² − 1 × 3 overflowed in `data info`, `train`, `data export`, the dashboard.
    @Test func idxDimsThatOverflowAreRefusedByEveryCommand() throws {
        let data = try Self.dataFolder(trainImages: Self.gzip(Self.imageHeader([.max, .max, .max]) + Data(repeating: 1, count: 4096)))
        let out = Binary.temporaryDirectory().path
        // The dashboard reports it before taking over the terminal (so it runs here without one).
        for arguments in [["data", "info", "--data", data], ["train", "--data", data, "--epochs", "1"], ["data", "export", "--data", data, "--to", out],
                          ["dashboard", "--data", data]] {
            let result = try Binary.run(arguments)
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("train-images-idx3-ubyte.gz: the header's dimensions [4294967295, 4294967295, 4294967295]"), "\(arguments): \(result.stderr)")
        }
    }

    /// fuzz data_gz_bomb_4GiB/: 4 MB of gzip inflating to 4 GiB took > 14 GB in `data info`.
    @Test func aGzipBombIsRefusedOnceItPassesItsHeadersSize() throws {
        // A header for 60,000 images, then 4 GiB of zeros as 256 identical gzip members.
        let member = try Self.gzip(Data(count: 16 << 20))
        var bomb = try Self.gzip(Self.imageHeader([60_000, 28, 28]))
        for _ in 0..<256 { bomb += member }
        let result = try Binary.run(["data", "info", "--data", Self.dataFolder(trainImages: bomb)])
        #expect(result.status == 1)
        #expect(result.stderr.contains("inflates to more than the 47040016 bytes its header describes"), "\(result.stderr)")
    }

    /// fuzz data_wrong_magic/ and `--data /nonexistent` with `--save`: printed nothing and never exited.
    @Test func aTrainerThatCannotStartIsReportedEvenWithSave() throws {
        var header = Self.imageHeader([50, 28, 28])
        header[3] = 4  // magic 0x00000804: four dims, not images
        let data = try Self.dataFolder(trainImages: Self.gzip(header + Data(count: 50 * 784)))
        let save = Binary.temporaryDirectory().appendingPathComponent("m.safetensors").path
        let wrongMagic = try Binary.run(["train", "--data", data, "--save", save])
        #expect(wrongMagic.status == 1)
        #expect(wrongMagic.stderr.contains("wrong magic number 0x00000804, expected 0x00000803"), "\(wrongMagic.stderr)")
        let missing = try Binary.run(["train", "--data", "/nonexistent", "--save", save])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent: Dataset not found"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: save))
    }

    /// fuzz: TENSORTOP_DATA=/nonexistent quietly used the Debian copy.
    @Test func aFolderNamedInTheEnvironmentIsUsedOrNamedInTheError() throws {
        for folder in ["/nonexistent", Binary.temporaryDirectory().path] {
            let result = try Binary.run(["data", "info"], environment: ["TENSORTOP_DATA": folder])
            #expect(result.status == 1)
            #expect(result.stderr.contains("\(folder) (from $TENSORTOP_DATA): Dataset not found"), "\(result.stderr)")
        }
        let data = TrainCommandTests.dataFolder(train: 50, test: 20)
        let found = try Binary.run(["data", "info"], environment: ["TENSORTOP_DATA": data])
        #expect(found.status == 0, "\(found.stderr)")
        #expect(found.stdout.contains("\(data): 50 training and 20 test images"))
        // `data download` puts the files where TENSORTOP_DATA points (files already there are kept: no network here).
        let target = Binary.temporaryDirectory()
        for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
            try Data().write(to: target.appendingPathComponent(name + ".gz"))
        }
        let download = try Binary.run(["data", "download"], environment: ["TENSORTOP_DATA": target.path])
        #expect(download.status == 0, "\(download.stderr)")
        #expect(download.stdout.contains("all four files are already in \(target.path)"), "\(download.stdout)")
    }

    /// fuzz: values that trapped, hung or allocated without bound; each is refused, or trains.
    @Test func extremeSettingsAreRefusedOrTrain() throws {
        let data = TrainCommandTests.dataFolder(train: 64, test: 20)
        let refused: [([String], String)] = [
            (["--init", "dirac:groups=1e30"], "--init: dirac: groups must be a whole number of at least 1, got 1e30"),
            (["--layers", "784,9223372036854775807,10"], "--layers: training this needs at least"),
            (["--layers", "784,100000000,10"], "--layers: training this needs at least"),
            (["--lr", "1e300"], "--lr: must be 0 or between"),
        ]
        for (arguments, message) in refused {
            let result = try Binary.run(["train", "--data", data, "--epochs", "1"] + arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        let bigBatch = try Binary.run(["train", "--data", data, "--epochs", "1", "--batch-size", "9223372036854775807"])
        #expect(bigBatch.status == 0, "\(bigBatch.stderr)")
        #expect(bigBatch.stdout.hasPrefix("epoch 1/1"))
        let hugeConstant = try Binary.run(["train", "--data", data, "--epochs", "1", "--init", "constant:val=3e38"])
        #expect(hugeConstant.status == 1, "\(hugeConstant.stderr)")  // a NaN loss: reported as divergence, not a trap
        #expect(hugeConstant.stderr.contains("diverged at step 1"))
        let farTail = try Binary.run(["train", "--data", data, "--epochs", "1", "--init", "trunc-normal:mean=0,std=0.001,a=1,b=2"])
        #expect(farTail.status < 128, "\(farTail.stderr)")
        #expect(farTail.stdout.hasPrefix("epoch 1/1") || farTail.stderr.contains("diverged"))
    }

    /// fuzz: negative values given as `--lr -1` said "Missing value"; ignored options went unnoticed.
    @Test func negativeValuesGetTheRealReasonAndIgnoredOptionsAreRefused() throws {
        let cases: [([String], String)] = [
            (["--lr", "-1"], "--lr: must be a non-negative number, got -1.0"),
            (["--epochs", "-3"], "--epochs: must be at least 1, got -3"),
            (["--batch-size", "-1"], "--batch-size: must be at least 1, got -1"),
            (["--momentum", "-0.5", "--optimizer", "sgd"], "--momentum: must be in [0, 1), got -0.5"),
            (["--activation", "tanh"], "--activation: applies only with --layers"),
            (["--momentum", "0.9"], "--momentum: applies only to --optimizer sgd"),
            (["--model", "softmax", "--layers", "784,10"], "--model: --model softmax and --layers 784,10 both name the network"),
            (["--init", "dirac"], "--init: dirac_ fills 3-, 4- or 5-D convolution weights"),
            (["--init", "sparse:sparsity=2"], "--init: sparse: needs sparsity in [0, 1]"),
            (["--init", "trunc-normal:a=2,b=1"], "--init: trunc-normal: needs std > 0 and a < b"),
        ]
        for (arguments, message) in cases {
            let result = try Binary.run(["train"] + arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("Missing value"), "\(arguments)")
        }
    }

    /// fuzz: `eval --model softmax` on a whole-model mlp file was accepted and ignored.
    @Test func evalRefusesAModelOptionNamingAnotherArchitectureThanTheFiles() throws {
        let data = TrainCommandTests.dataFolder(train: 64, test: 20)
        let model = Binary.temporaryDirectory().appendingPathComponent("mlp.safetensors").path
        let train = try Binary.run(["train", "--data", data, "--epochs", "1", "--save", model])
        #expect(train.status == 0, "\(train.stderr)")
        let other = try Binary.run(["eval", "--weights", model, "--data", data, "--model", "softmax"])
        #expect(other.status == 1)
        #expect(other.stderr.contains("holds its own architecture, which is not --model softmax"), "\(other.stderr)")
        let same = try Binary.run(["eval", "--weights", model, "--data", data, "--model", "mlp"])
        #expect(same.status == 0, "\(same.stderr)")
        let plain = try Binary.run(["eval", "--weights", model, "--data", data])
        #expect(plain.status == 0, "\(plain.stderr)")
    }

    /// fuzz: `--lr 1000` with SGD trained to chance accuracy and nothing flagged it.
    @Test func aLossFarAboveItsStartIsWarnedAbout() throws {
        let data = TrainCommandTests.dataFolder(train: 640, test: 20)
        let result = try Binary.run(["train", "--data", data, "--epochs", "2", "--batch-size", "16", "--optimizer", "sgd", "--lr", "1000"])
        #expect(result.status < 128)
        #expect(result.stderr.contains("warning: loss above 4× its start ("), "\(result.stderr)")
        #expect(result.stderr.contains("learning rate 1000 may be too high"))
        let calm = try Binary.run(["train", "--data", data, "--epochs", "1", "--batch-size", "16"])
        #expect(!calm.stderr.contains("warning"), "\(calm.stderr)")
    }

    /// fuzz: `train --epochs 9223372036854775807` overflowed in the progress line on a terminal.
    @Test(.enabled(if: Tmux.available, "needs tmux"))
    func theProgressLineCopesWithTheLargestEpochCount() throws {
        let session = "tt-epochs-\(UUID().uuidString.prefix(8))"
        let data = TrainCommandTests.dataFolder(train: 2000, test: 20)
        let command = "\(Binary.url.path) train --data \(data) --batch-size 16 --epochs 9223372036854775807; echo EXIT=$?; sleep 60"
        try Tmux.run(["new-session", "-d", "-s", session, "-x", "120", "-y", "10", command])
        defer { _ = try? Tmux.run(["kill-session", "-t", session]) }
        // Once a rate is measured the ETA is about 10¹⁶ years: shown as a bound, not an overflow.
        let progress = try #require(try DashboardEndToEndTests.screen(session) { $0.contains("ETA >999 days") })
        #expect(progress.contains("epoch 1/9223372036854775807"), "\(progress)")
        try Tmux.run(["send-keys", "-t", session, "C-c"])
        let end = try #require(try DashboardEndToEndTests.screen(session) { $0.contains("EXIT=") })
        #expect(end.contains("EXIT=0"), "\(end)")
    }
}
