// float64 softmax and log-softmax, stable (the maximum is subtracted first).

extension Float64Ops {
    /// Softmax along normalised dim `d` (`SoftmaxBackward0`).
    static func softmax(_ x: Tensor, along d: Int) -> Tensor {
        let out = noGrad { () -> Tensor in
            let e = shiftedByMaximum(x, along: d).exp()
            return e / e.sumAlong([d], keepdim: true)
        }
        return Tensor.record(out, name: "SoftmaxBackward0", inputs: [x]) { g in
            // dx = y ⊙ (g − Σ(g ⊙ y))
            let gy = g * out
            return [gy - out * gy.sumAlong([d], keepdim: true)]
        }
    }

    /// log(softmax) along normalised dim `d` (`LogSoftmaxBackward0`), as x − max − log Σ e^(x − max).
    static func logSoftmax(_ x: Tensor, along d: Int) -> Tensor {
        let out = noGrad { () -> Tensor in
            let shifted = shiftedByMaximum(x, along: d)
            return shifted - shifted.exp().sumAlong([d], keepdim: true).log()
        }
        return Tensor.record(out, name: "LogSoftmaxBackward0", inputs: [x]) { g in
            // dx = g − exp(y) · Σ g
            [g - out.exp() * g.sumAlong([d], keepdim: true)]
        }
    }

    /// `x` minus its maximum along `d` (a maximum of -inf, a row of -inf, counts as 0), untracked.
    private static func shiftedByMaximum(_ x: Tensor, along d: Int) -> Tensor {
        if x.rank == 0 { return DoubleKernels.map(x) { _ in 0 } }
        let maximum = x.extremumAlong(d, keepdim: true, largest: true).values
        return x - DoubleKernels.map(maximum) { $0 == -.infinity ? 0 : $0 }
    }
}
