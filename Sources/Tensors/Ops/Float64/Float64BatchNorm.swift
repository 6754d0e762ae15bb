// float64 batch normalisation: the statistics, the running estimates' update and the
// normalisation, composed of the float64 reductions and elementwise ops.

extension Float64Ops {
    /// `F.batch_norm` in float64 (`NativeBatchNormBackward0`), for arguments `Tensor.batchNorm` checked.
    ///
    /// With `batchStatistics` each channel is normalised by its mean and biased variance over N
    /// and the trailing dims (and the running estimates, when given, are blended in place with
    /// the mean and the unbiased variance); otherwise by the running estimates. Every tensor must
    /// be float64, as PyTorch's CPU kernel wants for a float64 input.
    static func batchNorm(
        _ input: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor?, bias: Tensor?,
        batchStatistics: Bool, momentum: Double, eps: Double
    ) -> Tensor {
        for other in [runningMean, runningVar, weight, bias].compactMap({ $0 }) {
            requireSameFloatType(input, other, style: .scalarType)
        }
        let dims = [0] + Array(2..<Swift.max(input.rank, 2))
        var perChannel = [Int](repeating: 1, count: input.rank)
        perChannel[1] = input.shape[1]
        let epsilon = Tensor(float64: eps)
        if batchStatistics, let runningMean, let runningVar {
            let (mean, squares) = noGrad { () -> (Tensor, Tensor) in
                let mean = try! input.mean(dims: dims, keepdim: true)
                return (mean, try! (input - mean).pow(2).sum(dims: dims))
            }
            let count = Double(input.count / Swift.max(input.shape[1], 1))
            blend(runningMean, toward: mean.float64Scalars, momentum: momentum)
            blend(runningVar, toward: squares.float64Scalars.map { $0 / (count - 1) }, momentum: momentum)
        }
        // Untracked per-channel constants outside training: the running estimates.
        let runningShift = batchStatistics ? nil : runningMean!.detach().reshape(perChannel)
        let runningScale = batchStatistics ? nil : noGrad { 1 / (runningVar!.detach() + epsilon).sqrt() }.reshape(perChannel)
        let inputs = [input] + [weight, bias].compactMap { $0 }
        return composite(name: "NativeBatchNormBackward0", inputs: inputs) { v in
            var out: Tensor
            if let runningShift, let runningScale {
                out = (v[0] - runningShift) * runningScale
            } else {
                let centered = v[0] - (try! v[0].mean(dims: dims, keepdim: true))
                let variance = try! (centered * centered).mean(dims: dims, keepdim: true)
                out = centered * (1 / (variance + epsilon).sqrt())
            }
            var next = 1
            if weight != nil { out = out * v[next].reshape(perChannel); next += 1 }
            if bias != nil { out = out + v[next].reshape(perChannel) }
            return out
        }
    }

    /// `running = (1 − momentum)·running + momentum·batch`, in place, per channel.
    private static func blend(_ running: Tensor, toward batch: [Double], momentum: Double) {
        running.mutateDoubles { p, c in
            for ch in 0..<c { p[ch] = momentum * batch[ch] + (1 - momentum) * p[ch] }
        }
    }
}
