import Datasets
import Tensors
import Training

// `make bench`: speed figures measured in this run (release build). Never used as a test.

BLAS.reloadWithBetterCoreIfNeeded()
Allocator.keepLargeBlocks()
if CommandLine.arguments.contains(DataBench.loadOnlyFlag) {
    DataBench.measureLoadInThisProcess()
} else if CommandLine.arguments.contains(TensorBoardBench.loadOnlyFlag) {
    TensorBoardBench.measureLoadInThisProcess()
} else if CommandLine.arguments.contains("--tensorboard") {
    // `make bench ARGS="--tensorboard [MB]"`: load time and peak memory of a generated TensorBoard log (default 256 MB).
    let index = CommandLine.arguments.firstIndex(of: "--tensorboard")! + 1
    let megabytes = index < CommandLine.arguments.count ? Int(CommandLine.arguments[index]) ?? 256 : 256
    var report = Report("case", "time", "memory")
    TensorBoardBench.load(megabytes: Swift.max(1, megabytes), into: &report)
    print(report.render())
} else if CommandLine.arguments.contains("--step-profile") {
    // `make bench ARGS=--step-profile`: where a training step's time goes on 1 and 2 threads.
    var report = Report(["threads", "batch"] + StepProfileBench.phases.map { $0 + " µs" } + ["samples/s"])
    StepProfileBench.profile(into: &report)
    print("Training step, phase by phase (mean µs per step, best of 5 rounds of 100 steps; OpenBLAS core \(BLAS.coreName))")
    print(report.render())
} else if CommandLine.arguments.contains("--conv") {
    // `make bench ARGS=--conv`: the cnn preset's convolutions, forward and forward + backward, batch 128.
    var report = Report("threads", "layer", "forward", "fwd+bwd", "GFLOP/s fwd+bwd")
    for threads in [1, 2] {
        BLAS.threads = threads
        ConvBench.run(threads: threads, into: &report)
    }
    print("Convolution (im2col + sgemm), batch 128; OpenBLAS core \(BLAS.coreName)")
    print(report.render())
} else if CommandLine.arguments.contains("--cnn-layers") {
    // `make bench ARGS=--cnn-layers`: where the cnn training step's time goes, layer by layer.
    printCNNLayers()
} else if CommandLine.arguments.contains("--cnn") {
    // `make bench ARGS=--cnn`: only the cnn training figure (also in the full run), with its sgemm peak.
    // `ARGS="--cnn --rounds N"`: N interleaved rounds with PyTorch (default 3).
    let roundsIndex = CommandLine.arguments.firstIndex(of: "--rounds").map { $0 + 1 }
    let rounds = roundsIndex.flatMap { $0 < CommandLine.arguments.count ? Int(CommandLine.arguments[$0]) : nil } ?? 3
    printCNNTraining(ceiling: Ceiling.measure(threads: [1, 2]), rounds: Swift.min(Swift.max(rounds, 1), 50))
} else if CommandLine.arguments.contains("--openblas-core") {
    // `bench/compare.py` names the machine with it: the kernel OpenBLAS picks here (and in tensortop).
    print(BLAS.coreName)
} else if CommandLine.arguments.contains("--recording") {
    // `make bench ARGS=--recording`: only the recording cost (the figure is also in the full run).
    var report = Report("case", "samples/s", "note")
    RecordingBench.cost(into: &report)
    print(report.render())
} else {
    runAllBenchmarks()
}

func runAllBenchmarks() {
    print("TensorTop benchmark — OpenBLAS core \(BLAS.coreName), best of several rounds per figure")
    print()
    let ceiling = Ceiling.measure(threads: [1, 2])
    let models: [(name: String, widths: [Int])] = [("mlp", ModelPreset.mlp.widths), ("softmax", ModelPreset.softmax.widths)]
    print("sgemm peak: \(Ceiling.side)×\(Ceiling.side) · \(Ceiling.side)×\(Ceiling.side) through BLAS.sgemm, best call after warm-up;"
          + " ceiling = peak ÷ FLOP per sample (mlp \(fixed(Ceiling.flopPerSample(widths: ModelPreset.mlp.widths), 0)),"
          + " softmax \(fixed(Ceiling.flopPerSample(widths: ModelPreset.softmax.widths), 0)))")
    print(ceiling.render(models: models))
    print()
    var matmul = Report("threads", "shape", "path", "time/call", "GFLOP/s", "vs raw")
    var mlp = Report("threads", "case", "path", "time/step", "GFLOP/s", "vs raw", "samples/s", "of peak", "vs 1 thread")
    var stepAt256: Double?
    var oneThread: [String: Double] = [:]
    for threads in [1, 2] {
        BLAS.threads = threads
        TensorBench.matmul(threads: threads, into: &matmul)
        for batch in [64, 256] {
            let seconds = TensorBench.mlpStep(threads: threads, batch: batch, ceiling: ceiling, oneThread: &oneThread, into: &mlp)
            if batch == 256 && threads == 1 { stepAt256 = seconds }
        }
    }
    print("Matrix product (target: Tensor path within 15 % of raw sgemm)")
    print(matmul.render())
    print()
    print("MLP 784-256-10 training step: forward + backward, cross-entropy, no input gradient;"
          + " \"of peak\": share of the sgemm ceiling, \"vs 1 thread\": over the same row on 1 thread")
    print(mlp.render())
    print()
    BLAS.threads = 1
    var data = Report("data", "time", "note")
    DataBench.load(into: &data)
    for workers in [0, 2] { DataBench.throughput(workers: workers, stepSeconds: stepAt256, into: &data) }
    print("Fashion-MNIST loading (the training step above: batch 256, 1 BLAS thread)")
    print(data.render())
    print()
    var speed = Report("training (plain SGD, one epoch, shuffle + gather included)", "1 thread", "of peak", "2 threads", "of peak", "2 ÷ 1")
    TrainingBench.speed(ceiling: ceiling, into: &speed)
    print("Training samples/s through the trainer (tensortop train), best of 3 epochs; \"of peak\": share of the sgemm ceiling")
    print(speed.render())
    print()
    printCNNTraining(ceiling: ceiling)
    print()
    var overheads = Report("case", "samples/s", "note")
    TrainingBench.overheads(into: &overheads)
    TrainingBench.dashboardCost(into: &overheads)
    RecordingBench.cost(into: &overheads)
    TrainingBench.trainMemory(into: &overheads)
    print("Snapshot, dashboard and recording cost, a busy neighbour, memory")
    print(overheads.render())
}

/// The cnn model's training samples/s at batch 128 on 1 and 2 threads, against the sgemm peak and
/// beside PyTorch's (bench/pytorch_cnn.py in $PYTHON, when it has torch), in `rounds` interleaved rounds.
func printCNNTraining(ceiling: Ceiling, rounds: Int = 3) {
    var cnn = Report("threads", "samples/s", "GFLOP/s", "of sgemm peak", "2 ÷ 1", "PyTorch samples/s", "× PyTorch")
    let pytorch = PyTorchBeside.fromEnvironment()
    let notes = CNNBench.run(ceiling: ceiling, pytorch: pytorch, rounds: rounds, into: &cnn)
    print("cnn (Conv5×5 16, BN, ReLU, MaxPool, Conv5×5 32, BN, ReLU, MaxPool, Linear 1568→10) training step, batch 128, Adam 1e-3,"
          + " train mode, shuffled Fashion-MNIST batches; each figure the best of 5 rounds of 20 steps; with PyTorch"
          + " (\(pytorch.script) --bench in \(pytorch.python)) the median of \(rounds) rounds, TensorTop's and PyTorch's in turn; \(fixed(CNNBench.flopPerSample / 1e6, 2)) MFLOP per sample")
    print(cnn.render())
    for note in notes { print(note) }
}

/// Prints the cnn training step layer by layer on 1 and 2 threads (`--cnn-layers`).
func printCNNLayers() {
    guard let data = try? FashionMNIST(train: true) else {
        print("Fashion-MNIST not found (make deps)")
        return
    }
    var report = Report("threads", "layer", "forward", "fwd+bwd", "backward")
    for threads in [1, 2] { CNNLayerBench.run(data: data, threads: threads, into: &report) }
    print("cnn training step layer by layer, batch 128, train mode (mean per call, best of 5 rounds; OpenBLAS core \(BLAS.coreName))")
    print(report.render())
}
