import Foundation
import Testing
import TensorBoard

/// `tensortop train --tensorboard DIR`: event files that TensorTop's reader (and TensorBoard) read back.
@Suite struct TensorBoardWriteTests {
    @Test func trainingLogsLossesEpochMetricsHistogramsAndTheBatch() throws {
        let data = TrainCommandTests.dataFolder()
        let logs = Binary.temporaryDirectory().appendingPathComponent("tb/run-1")
        let train = try Binary.run(["train", "--data", data, "--epochs", "2", "--batch-size", "32",
                                    "--tensorboard", logs.path, "--tensorboard-every", "1"])
        #expect(train.status == 0, "\(train.stderr)")
        let directory = try LogDirectory(path: logs.deletingLastPathComponent().path)
        let update = directory.poll()
        #expect(update.problems.isEmpty && update.pendingFiles.isEmpty)
        #expect(directory.runNames == ["run-1"])
        let run = try #require(directory.runs["run-1"])
        // 320 images in batches of 32: 10 steps an epoch.
        #expect(run.records("loss/train").map(\.step) == Array(1...20))
        #expect(run.records("lr").allSatisfy { $0.value == .scalar(Double(Float(0.001))) })
        #expect(run.records("accuracy/test").map(\.step) == [10, 20])
        #expect(run.records("loss/test").count == 2 && run.records("loss/train_epoch").count == 2)
        let histograms = run.records("weights/1.weight")
        #expect(!histograms.isEmpty)
        if case .histogram(let histogram)? = histograms.last?.value {
            #expect(histogram.count == 784 * 256)
            #expect(histogram.counts.reduce(0, +) == 784 * 256)
            #expect(histogram.limits == histogram.limits.sorted())
        } else {
            Issue.record("weights/1.weight is not a histogram")
        }
        #expect(run.records("gradients/1.weight/norm").count == histograms.count)
        if case .image(let image)? = run.records("batch").last?.value {
            #expect(image.width == 4 * 28 + 3 && image.height == 4 * 28 + 3)  // 16 images, 4 by 4, 1 pixel apart
            #expect(Array(image.bytes.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        } else {
            Issue.record("no batch image")
        }
    }

    @Test func anUnwritableFolderIsRefusedAtTheStart() throws {
        let data = TrainCommandTests.dataFolder()
        let file = Binary.temporaryDirectory().appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        let train = try Binary.run(["train", "--data", data, "--epochs", "1", "--tensorboard", file.path])
        #expect(train.status != 0)
        #expect(train.stderr.contains(file.path) && train.stderr.contains("TensorBoard log folder"))
        let every = try Binary.run(["train", "--data", data, "--tensorboard", "/tmp/x", "--tensorboard-every", "0"])
        #expect(every.status != 0 && every.stderr.contains("--tensorboard-every must be at least 1"))
    }
}
