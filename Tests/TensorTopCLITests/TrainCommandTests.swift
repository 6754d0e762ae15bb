import Foundation
import Testing

/// `tensortop train`, `eval` and `predict` on a small data folder the test writes.
@Suite struct TrainCommandTests {
    /// Four IDX files with a learnable pattern: each class lights its own band of rows.
    static func dataFolder(train: Int = 320, test: Int = 100) -> String {
        let url = Binary.temporaryDirectory()
        func images(_ count: Int) -> [UInt8] {
            (0..<(count * 784)).map { p in
                let (i, pixel) = (p / 784, p % 784)
                let row = pixel / 28, label = i % 10
                return row >= label * 2 + 4 && row < label * 2 + 7 ? 200 : UInt8(truncatingIfNeeded: pixel &* 7 &+ i) % 40
            }
        }
        func idx(_ magic: UInt32, _ dims: [Int], _ values: [UInt8]) -> Data {
            var bytes = withUnsafeBytes(of: magic.bigEndian) { Array($0) }
            for d in dims { bytes += withUnsafeBytes(of: UInt32(d).bigEndian) { Array($0) } }
            return Data(bytes + values)
        }
        try! idx(0x803, [train, 28, 28], images(train)).write(to: url.appendingPathComponent("train-images-idx3-ubyte"))
        try! idx(0x801, [train], (0..<train).map { UInt8($0 % 10) }).write(to: url.appendingPathComponent("train-labels-idx1-ubyte"))
        try! idx(0x803, [test, 28, 28], images(test)).write(to: url.appendingPathComponent("t10k-images-idx3-ubyte"))
        try! idx(0x801, [test], (0..<test).map { UInt8($0 % 10) }).write(to: url.appendingPathComponent("t10k-labels-idx1-ubyte"))
        return url.path
    }

    /// `train --deterministic` gives the same losses and the same saved weights, byte for byte,
    /// under different OpenBLAS kernels and thread counts.
    @Test func deterministicTrainingIsTheSameOnEveryCPUKernelAndThreadCount() throws {
        let data = Self.dataFolder()
        let folder = Binary.temporaryDirectory()
        var runs: [(losses: [String], weights: Data)] = []
        for (core, threads) in [("Prescott", 1), ("Haswell", 2), ("SkylakeX", 1)] {
            let model = folder.appendingPathComponent("\(core)-\(threads).safetensors").path
            let train = try Binary.run(["train", "--deterministic", "--data", data, "--epochs", "2", "--batch-size", "32",
                                        "--threads", "\(threads)", "--json", "--save", model],
                                       environment: ["OPENBLAS_CORETYPE": core])
            #expect(train.status == 0, "\(train.stderr)")
            let objects = try train.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            let losses = objects.map { "\($0["train_loss"] ?? "-") \($0["test_loss"] ?? "-") \($0["test_accuracy"] ?? "-")" }
            runs.append((losses, try Data(contentsOf: URL(fileURLWithPath: model))))
        }
        #expect(runs[0].losses.count == 2)
        for run in runs.dropFirst() {
            #expect(run.losses == runs[0].losses)
            #expect(run.weights == runs[0].weights)
        }
    }

    @Test func trainWritesJsonPerEpochAndSavesAModelThatEvaluates() throws {
        let data = Self.dataFolder()
        let model = Binary.temporaryDirectory().appendingPathComponent("m.safetensors").path
        let train = try Binary.run(["train", "--data", data, "--epochs", "3", "--batch-size", "32", "--json", "--save", model])
        #expect(train.status == 0, "\(train.stderr)")
        let lines = train.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.map { $0["epoch"] as! Int } == [1, 2, 3])
        #expect((objects.last!["test_accuracy"] as! Double) > 0.8)
        for object in objects {  // samples/s is the epoch's 320 training images over its seconds
            let rate = try #require(object["samples_per_s"] as? Double), seconds = try #require(object["seconds"] as? Double)
            #expect(abs(rate * seconds - 320) < 1e-6)
        }
        #expect(!train.stderr.contains("\u{1B}"))  // no control characters when stderr is not a terminal

        let eval = try Binary.run(["eval", "--weights", model, "--data", data])
        #expect(eval.status == 0)
        #expect(eval.stdout.contains("accuracy"))
        #expect(eval.stdout.contains("Ankle boot"))
        let predict = try Binary.run(["predict", "--weights", model, "--data", data, "--first", "3", "--json"])
        let first = try JSONSerialization.jsonObject(with: Data(predict.stdout.split(separator: "\n")[0].utf8)) as! [String: Any]
        #expect(first["label"] as? Int == 0)
        #expect((first["logits"] as? [Double])?.count == 10)
    }

    /// `samples_per_s` counts the images an epoch went through: `--train-limit` of them, or all
    /// when the limit is larger than the training split.
    @Test(arguments: [(100, 100), (5000, 320)])
    func jsonSamplesPerSecondCountsTheEpochsImages(limit: Int, images: Int) throws {
        let train = try Binary.run(["train", "--data", Self.dataFolder(), "--epochs", "1", "--batch-size", "64", "--model", "softmax",
                                    "--optimizer", "sgd", "--lr", "0.1", "--train-limit", "\(limit)", "--json"])
        #expect(train.status == 0, "\(train.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(train.stdout.utf8)) as? [String: Any])
        let rate = try #require(object["samples_per_s"] as? Double), seconds = try #require(object["seconds"] as? Double)
        #expect(abs(rate * seconds - Double(images)) < 1e-6)
    }

    @Test func textSummaryLines() throws {
        let result = try Binary.run(["train", "--data", Self.dataFolder(), "--epochs", "1", "--batch-size", "64", "--model", "softmax", "--optimizer", "sgd", "--lr", "0.1"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("epoch 1/1  train loss "))
        #expect(result.stdout.contains("test accuracy"))
    }

    @Test func impossibleSettingsAreRefusedBeforeTraining() throws {
        let cases: [([String], String)] = [
            (["--batch-size", "0"], "--batch-size: must be at least 1"),
            (["--lr=-1"], "--lr: must be a non-negative number"),
            (["--model", "resnet"], "unknown model 'resnet'; choose one of: softmax, mlp, mlp2"),
            (["--optimizer", "lbfgs"], "unknown optimizer 'lbfgs'; choose one of: sgd, adam, adamw"),
            (["--init", "magic"], "--init: unknown init method 'magic'"),  // the CLI names its flag; the trainer does not
            (["--layers", "784,100,9"], "--layers: must start with 784"),
            (["--activation", "gelu", "--layers", "784,10"], "unknown activation 'gelu'"),
        ]
        for (arguments, message) in cases {
            let result = try Binary.run(["train"] + arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    /// Training names settings; the command line spells each as its flag, in the message and
    /// wherever the message mentions another setting (issue 11, debt 7).
    @Test func settingErrorsNameTheirFlags() throws {
        let cases: [([String], String)] = [
            (["--nesterov"], "Error: --nesterov: needs --optimizer sgd with a --momentum above 0\n"),
            (["--momentum", "0.5"], "Error: --momentum: applies only to --optimizer sgd (adam keeps its own moments), got --momentum 0.5 with --optimizer adam\n"),
            (["--model", "resnet"], "Error: --model: unknown model 'resnet'; choose one of: softmax, mlp, mlp2, cnn, lenet (or --layers)\n"),
            (["--layers", "784,x,10"], "Error: --layers: expected comma-separated widths like 784,512,256,10, got '784,x,10'\n"),
            (["--weight-decay", "-1"], "Error: --weight-decay: must be non-negative, got -1.0\n"),
            (["--threads", "65"], "Error: --threads: must be between 1 and 64, got 65\n"),
            (["--workers", "17"], "Error: --workers: must be between 0 and 16, got 17\n"),
            (["--train-limit", "0"], "Error: --train-limit: must be at least 1, got 0\n"),
            (["--test-limit", "0"], "Error: --test-limit: must be at least 1, got 0\n"),
            (["--init", "dirac"], "Error: --init: dirac_ fills 3-, 4- or 5-D convolution weights"),
        ]
        for command in ["train", "dashboard"] {
            for (arguments, message) in cases {
                let result = try Binary.run([command] + arguments)
                #expect(result.status == 64, "\(command) \(arguments): \(result.stderr)")
                #expect(result.stderr.hasPrefix(message), "\(command) \(arguments): \(result.stderr)")
            }
        }
        let eval = try Binary.run(["eval", "--weights", Binary.checkpointFixture("mlp_seed1.pth").path, "--layers", "784,x,10"])
        #expect(eval.stderr.hasPrefix("Error: --layers: expected comma-separated widths like 784,512,256,10, got '784,x,10'\n"), "\(eval.stderr)")
    }

    @Test func pytorchWeightsEvaluateAndWrongArchitecturesAreNamed() throws {
        let data = Self.dataFolder()
        let pth = Binary.checkpointFixture("mlp_seed1.pth").path
        let eval = try Binary.run(["eval", "--weights", pth, "--data", data])
        #expect(eval.status == 0, "\(eval.stderr)")
        let wrong = try Binary.run(["eval", "--weights", pth, "--data", data, "--model", "mlp2"])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("does not fit --model mlp2"))
        #expect(wrong.stderr.contains("size mismatch for 3.weight") || wrong.stderr.contains("Missing key(s)"))
    }

    @Test func interruptStopsAfterTheCurrentStepAndStillSaves() throws {
        let data = Self.dataFolder(train: 3000)
        let model = Binary.temporaryDirectory().appendingPathComponent("interrupted.pth").path
        let process = Process()
        process.executableURL = Binary.url
        process.arguments = ["train", "--data", data, "--epochs", "1000", "--batch-size", "16", "--json", "--save", model]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Wait for the first epoch's line, then press Ctrl-C.
        var text = ""
        while !text.contains("\n") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(stderr)")
        #expect(stderr.contains("interrupted"))
        #expect(FileManager.default.fileExists(atPath: model))
        let inspect = try Binary.run(["inspect", model])
        #expect(inspect.stdout.contains("PyTorch state dict, 4 tensors"))
    }
}
