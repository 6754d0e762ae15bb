import Datasets
import NN
import Optim
import Tensors
import Training

/// Issue 13's training figure for the `cnn` model: samples/s of whole training steps at batch 128.
///
/// The step is the trainer's recipe (train mode, cross-entropy, backward, Adam 1e-3) on shuffled
/// Fashion-MNIST batches gathered each step, with the trainer's threading: single-threaded
/// OpenBLAS and `setComputeThreads`. `bench/pytorch_cnn.py --bench` times the same recipe in PyTorch.
enum CNNBench {
    /// Images per step.
    static let batch = 128

    /// FLOP of one sample's training step, counting the products only: each convolution's forward
    /// 2·Cout·Hout·Wout·Cin·k·k, its weight gradient as much again and its input gradient as much
    /// again except for the first layer (nothing needs the images' gradient); Linear as `Ceiling`.
    static var flopPerSample: Double {
        let conv1 = 2.0 * 16 * 28 * 28 * 1 * 25
        let conv2 = 2.0 * 32 * 14 * 14 * 16 * 25
        return conv1 * 2 + conv2 * 3 + 3 * 2 * 1568 * 10
    }

    /// Samples/s of the best of `rounds` rounds of `steps` training steps (after a warm-up round)
    /// on `threads` compute threads; nil without Fashion-MNIST.
    static func samplesPerSecond(data: FashionMNIST, threads: Int, rounds: Int = 5, steps: Int = 20) -> Double {
        BLAS.threads = 1
        setComputeThreads(threads)
        defer { setComputeThreads(1) }
        let generator = manualSeed(0)
        let net = ModelPreset.cnn.spec.makeModule().train()
        let optimizer = Adam(net.parameters(), lr: 1e-3)
        var best = Double.infinity
        for round in 0...rounds {  // round 0 warms up
            let order = generator.permutation(data.count)
            let start = Stopwatch.now()
            for step in 0..<steps {
                let indices = Array(order[(step * batch)..<((step + 1) * batch)])
                let tensors = try! data.tensorBatch(indices)
                optimizer.zeroGrad()
                let loss = Tensor.crossEntropy(net(tensors[0]), tensors[1])
                try! loss.backward()
                optimizer.step()
                _ = loss.item()
            }
            let seconds = Stopwatch.now() - start
            if round > 0 { best = Swift.min(best, seconds) }
        }
        return Double(steps * batch) / best
    }

    /// Rows by thread count: samples/s, GFLOP/s and share of the sgemm peak, and PyTorch's samples/s
    /// and the ratio when `pytorch` can be measured: `rounds` rounds, each TensorTop's figure then
    /// PyTorch's (interleaved, as the shared host's load drifts), medians in the rows. Returns the
    /// lines to print under the table (each round's figures, or why PyTorch is missing).
    static func run(ceiling: Ceiling?, pytorch: PyTorchBeside, rounds: Int, into report: inout Report) -> [String] {
        guard let data = try? FashionMNIST(train: true) else {
            report.add("Fashion-MNIST not found (make deps)", "", "", "", "", "", "")
            return []
        }
        var notes: [String] = []
        let missing = pytorch.unavailableReason()
        if let missing { notes.append("PyTorch not measured: \(missing)") }
        var ours: [Int: [Double]] = [:], theirs: [Int: [Double]] = [:]
        var roundLines: [String] = []
        for round in 1...(missing == nil ? Swift.max(1, rounds) : 1) {
            for threads in [1, 2] { ours[threads, default: []].append(samplesPerSecond(data: data, threads: threads)) }
            var line = "round \(round): TensorTop " + [1, 2].map { fixed(ours[$0]!.last!, 0) }.joined(separator: " / ")
            if missing == nil {
                switch pytorch.measure() {
                case .success(let rates):
                    for (threads, rate) in rates { theirs[threads, default: []].append(rate) }
                    line += ", PyTorch " + [1, 2].map { fixed(rates[$0]!, 0) }.joined(separator: " / ")
                case .failure(let error):
                    line += ", PyTorch failed: \(error.message)"
                }
            }
            roundLines.append(line + " samples/s (1 / 2 threads)")
        }
        if missing == nil { notes = roundLines + notes }
        var medians: [Double] = []
        for threads in [1, 2] {
            let rate = median(ours[threads]!)
            medians.append(rate)
            let flops = rate * flopPerSample
            let share = ceiling?.peak[threads].map { fixed(flops / $0 * 100, 1) + " %" } ?? ""
            let torch = theirs[threads].map(median)
            report.add("\(threads)", fixed(rate, 0), fixed(flops / 1e9, 1), share, threads == 2 ? Ceiling.scaling(medians[0], rate) : "",
                       torch.map { fixed($0, 0) + " (" + fixed($0 * flopPerSample / 1e9, 1) + " GFLOP/s)" } ?? "–",
                       torch.map { fixed(rate / $0, 2) + "×" } ?? "–")
        }
        return notes
    }

    /// The middle value (the mean of the two middle ones for an even count).
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
