import Datasets
import NN
import Optim
import Tensors
import Training

/// Where the `cnn` preset's training step spends its time, layer by layer (`make bench ARGS=--cnn-layers`).
///
/// Each layer of the preset runs on what the layer before it produced for one shuffled batch of
/// 128 (train mode): its forward pass alone, then forward + backward for a fixed output gradient
/// (the input needs a gradient for every layer after the first, as in training). The loss with
/// its backward and Adam's step are timed the same way. The sum is close to a whole step.
enum CNNLayerBench {
    /// Adds one row per layer, then the loss, the optimizer and the sum, on `threads` compute threads.
    static func run(data: FashionMNIST, threads: Int, into report: inout Report) {
        BLAS.threads = 1
        setComputeThreads(threads)
        defer { setComputeThreads(1) }
        _ = manualSeed(0)
        guard let net = ModelPreset.cnn.spec.makeModule().train() as? Sequential else { return }
        let generator = Generator(seed: 5)
        let tensors = try! data.tensorBatch(Array(generator.permutation(data.count)[0..<CNNBench.batch]))
        var input = tensors[0]
        var totals = (forward: 0.0, step: 0.0)
        for (index, layer) in net.layers.enumerated() {
            let x = input.detach()
            if index > 0 { x.requiresGrad = true }
            let output = layer(x)
            let gradient = Tensor.randn(output.shape, generator: generator)
            let forward = Stopwatch.secondsPerCall { _ = layer(x) }
            let step = Stopwatch.secondsPerCall {
                x.grad = nil
                try! layer(x).backward(gradient)
            }
            totals = (totals.forward + forward, totals.step + step)
            report.add("\(threads)", "\(index) \(layer.typeName)", micros(forward), micros(step), micros(step - forward))
            input = output.detach()
        }
        let logits = input.detach().requiresGrad_()
        let loss = Stopwatch.secondsPerCall {
            logits.grad = nil
            try! Tensor.crossEntropy(logits, tensors[1]).backward()
        }
        report.add("\(threads)", "cross-entropy", "", micros(loss), "")
        let optimizer = Adam(net.parameters(), lr: 1e-3)
        for parameter in net.parameters() { parameter.grad = Tensor.zerosLike(parameter) }
        let adam = Stopwatch.secondsPerCall { optimizer.step() }
        report.add("\(threads)", "Adam step", "", micros(adam), "")
        report.add("\(threads)", "sum", micros(totals.forward), micros(totals.step + loss + adam), "")
    }
}
