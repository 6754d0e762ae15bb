import Tensors

/// Issue 13's convolution figures: the `cnn` preset's two Conv2d layers, forward + backward.
enum ConvBench {
    /// (label, input shape, weight shape, padding, whether the input needs a gradient).
    static let layers: [(String, [Int], [Int], Int, Bool)] = [
        ("conv1 1→16 5×5 p2 on 28×28", [128, 1, 28, 28], [16, 1, 5, 5], 2, false),
        ("conv2 16→32 5×5 p2 on 14×14", [128, 16, 14, 14], [32, 16, 5, 5], 2, true),
    ]

    /// Times forward + backward of each layer at batch 128 and prints µs and GFLOP/s.
    static func run(threads: Int, into report: inout Report) {
        let g = Generator(seed: 3)
        for (label, inputShape, weightShape, padding, needInput) in layers {
            let x = Tensor.randn(inputShape, generator: g)
            if needInput { x.requiresGrad = true }
            let w = (Tensor.randn(weightShape, generator: g) * 0.1).detach().requiresGrad_()
            let b = Tensor.zeros([weightShape[0]], requiresGrad: true)
            let out = try! Tensor.conv2d(x, weight: w, bias: b, padding: .explicit(Pair2d(padding)))
            let gradOutput = Tensor.randn(out.shape, generator: g)
            // One product forward, one for the weight gradient, one for the input gradient.
            let products = needInput ? 3.0 : 2.0
            let flop = products * 2 * Double(out.count) * Double(weightShape.dropFirst().reduce(1, *))
            let forward = Stopwatch.secondsPerCall { _ = noGrad { try! Tensor.conv2d(x, weight: w, bias: b, padding: .explicit(Pair2d(padding))) } }
            let step = Stopwatch.secondsPerCall {
                x.grad = nil; w.grad = nil; b.grad = nil
                try! Tensor.conv2d(x, weight: w, bias: b, padding: .explicit(Pair2d(padding))).backward(gradOutput)
            }
            report.add("\(threads)", label, micros(forward), micros(step), fixed(flop / step / 1e9, 1))
        }
    }
}
