import Datasets
import NN
import Optim
import Tensors
import Training

/// Where a training step's time goes, phase by phase, on 1 and 2 threads (`make bench ARGS=--step-profile`).
///
/// The step is the trainer's: a shuffled Fashion-MNIST batch gathered and converted to floats
/// (the data loader's work, done here on the training thread to time it), turned into
/// tensors, the `mlp` preset's forward pass and cross-entropy, backward, and plain SGD.
enum StepProfileBench {
    /// How the threads of one profile are used.
    struct Threading {
        let name: String
        let blasThreads: Int
        let computeThreads: Int
    }

    static let threadings = [
        Threading(name: "1 thread", blasThreads: 1, computeThreads: 1),
        Threading(name: "2 threads: OpenBLAS's own", blasThreads: 2, computeThreads: 1),
        Threading(name: "2 threads: compute pool", blasThreads: 1, computeThreads: 2),
    ]

    static let phases = ["batch tensors", "forward + loss", "backward", "SGD step", "whole step"]

    /// Adds, for each threading and batch size, the mean µs of each phase (best of several rounds).
    static func profile(into report: inout Report) {
        guard let data = try? FashionMNIST(train: true) else {
            report.add("Fashion-MNIST not found (make deps)", "", "", "", "", "", "", "")
            return
        }
        for batch in [64, 256] {
            for threading in threadings {
                BLAS.threads = threading.blasThreads
                setComputeThreads(threading.computeThreads)
                let micros = phaseMicros(data: data, batch: batch)
                report.add([threading.name, "\(batch)"] + micros.map { fixed($0, 1) } + [fixed(Double(batch) / micros.last! * 1e6, 0)])
            }
        }
        BLAS.threads = 1
        setComputeThreads(1)
    }

    /// Mean µs per step of each phase (and the whole step) in the best of `rounds` rounds of `steps` steps.
    static func phaseMicros(data: FashionMNIST, batch: Int, rounds: Int = 5, steps: Int = 100) -> [Double] {
        let model = ModelPreset.mlp.spec.makeModule()
        let optimizer = SGD(model.parameters(), lr: 0.01)
        let generator = Generator(seed: 1)
        var best: [Double]?
        for round in 0...rounds {  // round 0 warms up
            var sums = [Double](repeating: 0, count: phases.count)
            let order = generator.permutation(data.count)  // the trainer's shuffle
            for step in 0..<steps {
                let indices = Array(order[(step * batch)..<((step + 1) * batch)])
                var t = Stopwatch.now()
                let start = t
                func lap(_ phase: Int) {
                    let now = Stopwatch.now()
                    sums[phase] += now - t
                    t = now
                }
                let tensors = try! data.tensorBatch(indices)
                lap(0)
                optimizer.zeroGrad()
                let loss = Tensor.crossEntropy(model(tensors[0]), tensors[1])
                _ = loss.item()
                lap(1)
                try! loss.backward()
                lap(2)
                optimizer.step()
                lap(3)
                sums[4] += t - start
            }
            let means = sums.map { $0 / Double(steps) * 1e6 }
            if round > 0, best == nil || means[4] < best![4] { best = means }
        }
        return best!
    }
}
