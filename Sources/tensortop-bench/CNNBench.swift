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

    /// One row: samples/s on 1 and 2 threads, GFLOP/s and share of the sgemm peak at each.
    static func run(ceiling: Ceiling?, into report: inout Report) {
        guard let data = try? FashionMNIST(train: true) else {
            report.add("Fashion-MNIST not found (make deps)", "", "", "", "")
            return
        }
        var rates: [Double] = []
        for threads in [1, 2] {
            let rate = samplesPerSecond(data: data, threads: threads)
            rates.append(rate)
            let flops = rate * flopPerSample
            let share = ceiling?.peak[threads].map { fixed(flops / $0 * 100, 1) + " %" } ?? ""
            report.add("\(threads)", fixed(rate, 0), fixed(flops / 1e9, 1), share, threads == 2 ? Ceiling.scaling(rates[0], rate) : "")
        }
    }
}
