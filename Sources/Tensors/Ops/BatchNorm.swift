import CVectorKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Tensor {
    /// Batch normalisation over an (N, C, ...) input, per channel, PyTorch's `F.batch_norm`
    /// (`NativeBatchNormBackward0`).
    ///
    /// In training each channel is normalised with its batch mean and biased variance over
    /// N and the trailing dimensions, and the running estimates, when given, are updated in
    /// place: `running = (1 − momentum)·running + momentum·batch`, with the unbiased variance
    /// for `runningVar`. (A cumulative average is the module's business: it passes
    /// `1 / num_batches_tracked` as `momentum`.) Outside training the running estimates
    /// normalise instead. `weight` and `bias` (C values each) scale and shift the result.
    ///
    /// Statistics are accumulated in Double, as PyTorch's CPU kernel does for float32. A float64
    /// input (which needs float64 estimates, weight and bias) is normalised in float64.
    /// - Throws: PyTorch's message when a per-channel tensor has the wrong length or another
    ///   float type than the input, or when training sees one value per channel.
    public static func batchNorm(
        _ input: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor? = nil, bias: Tensor? = nil,
        training: Bool, momentum: Double = 0.1, eps: Double = 1e-5
    ) throws -> Tensor {
        guard input.rank >= 2 else {
            throw TensorError("batch_norm expects an input of shape (N, C, ...), got shape \(Shape.describe(input.shape))")
        }
        let (n, c) = (input.shape[0], input.shape[1])
        let inner = input.count / Swift.max(n * c, 1)
        for (name, tensor) in [("running_mean", runningMean), ("running_var", runningVar), ("weight", weight), ("bias", bias)] {
            if let tensor, tensor.count != c {
                throw TensorError("\(name) should contain \(c) elements not \(tensor.count)")
            }
        }
        let perChannel = n * inner
        if training && perChannel == 1 {
            throw TensorError("Expected more than 1 value per channel when training, got input size torch.Size(\(Shape.describe(input.shape)))")
        }
        if let mixed = Self.batchNormMixedTypes(input, [weight, bias, runningMean, runningVar].compactMap { $0 }) { throw mixed }
        if promotesToFloat64(input) || [runningMean, runningVar, weight, bias].contains(where: { $0?.dtype == .float64 }) {
            return Float64Ops.batchNorm(
                input, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                batchStatistics: training || runningMean == nil || runningVar == nil, momentum: momentum, eps: eps)
        }
        guard !training, let runningMean, let runningVar else {
            let stats = input.batchStatistics(channels: c, batch: n, inner: inner, eps: eps)
            if training, let runningMean, let runningVar {
                updateRunningEstimates(runningMean, runningVar, stats: stats, count: perChannel, momentum: momentum)
            }
            return normalized(input, mean: stats.mean, invstd: stats.invstd, weight: weight, bias: bias, batchStatistics: true)
        }
        let means = runningMean.scalars.map(Double.init)
        let invstds = runningVar.scalars.map { 1 / (Double($0) + eps).squareRoot() }
        return normalized(input, mean: means, invstd: invstds, weight: weight, bias: bias, batchStatistics: false)
    }

    /// PyTorch's error for per-channel tensors (`parameters`: weight, bias, running mean, running
    /// variance, those given) whose float type is not the input's, or nil when all agree.
    ///
    /// PyTorch's CPU kernel compares the input with the first of them: when those differ it asks
    /// for float32 parameters ("expect parameter to have scalar type of Float") and then for a
    /// half-precision input ("all inputs must share same datatype."); when they agree, a later one
    /// that differs fails as "expected scalar type Float but found Double".
    static func batchNormMixedTypes(_ input: Tensor, _ parameters: [Tensor]) -> TensorError? {
        let floats = parameters.filter { $0.dtype.isFloatingPoint }
        guard input.dtype.isFloatingPoint, let first = floats.first else { return nil }
        if first.dtype != input.dtype {
            return floats.allSatisfy({ $0.dtype == .float32 })
                ? TensorError(Float64Ops.MixedTypeMessage.batchNormParameters.text(input.dtype, first.dtype))
                : TensorError("mixed dtype (CPU): expect parameter to have scalar type of Float")
        }
        return floats.lazy.compactMap { Float64Ops.mixedFloatTypes(input, $0, style: .scalarType) }.first
    }

    /// Each channel's mean and 1/√(biased variance + eps), plus the summed squared deviations.
    ///
    /// Channels are shared among the compute threads; each is summed by one thread in a fixed
    /// order (`tt_channel_sum` and friends in CVectorKernels), so the statistics do not depend on the thread count.
    private func batchStatistics(channels c: Int, batch n: Int, inner: Int, eps: Double)
        -> (mean: [Double], invstd: [Double], squaredDeviations: [Double]) {
        let m = Double(n * inner)
        let results = UnsafeMutablePointer<Double>.allocate(capacity: 3 * c)  // mean, invstd, squares: all written
        defer { results.deallocate() }
        withFloats { x in
            let (x, out) = (ChunkShared(x), ChunkShared(results))
            Tensor.forEachChannel(c, valuesPerChannel: n * inner) { channels in
                for ch in channels {
                    let x = UnsafePointer(x.pointer)
                    let total = tt_channel_sum(x, ch, c, n, inner)
                    let mean = m > 0 ? total / m : 0
                    let squares = tt_channel_squared_deviations(x, ch, c, n, inner, mean)
                    out.pointer[ch] = mean
                    out.pointer[c + ch] = 1 / ((m > 0 ? squares / m : 0) + eps).squareRoot()
                    out.pointer[2 * c + ch] = squares
                }
            }
        }
        return (Array(UnsafeBufferPointer(start: results, count: c)),
                Array(UnsafeBufferPointer(start: results + c, count: c)),
                Array(UnsafeBufferPointer(start: results + 2 * c, count: c)))
    }

    /// Runs `body` over ranges of `0..<channels`, shared among the calling thread's compute
    /// threads when there are enough values; each channel is in exactly one range.
    static func forEachChannel(_ channels: Int, valuesPerChannel: Int, _ body: @escaping @Sendable (Range<Int>) -> Void) {
        Kernels.forEachRange(channels, minimum: Swift.max(2, parallelElements / Swift.max(valuesPerChannel, 1)), body)
    }

    /// Blends the batch's mean and unbiased variance into the running estimates, in place.
    private static func updateRunningEstimates(
        _ runningMean: Tensor, _ runningVar: Tensor,
        stats: (mean: [Double], invstd: [Double], squaredDeviations: [Double]), count: Int, momentum: Double
    ) {
        let keep = 1 - momentum
        runningMean.mutateFloats { p, c in
            for ch in 0..<c { p[ch] = Float(momentum * stats.mean[ch] + keep * Double(p[ch])) }
        }
        let unbiasing = 1 / Double(count - 1)
        runningVar.mutateFloats { p, c in
            for ch in 0..<c {
                p[ch] = Float(momentum * stats.squaredDeviations[ch] * unbiasing + keep * Double(p[ch]))
            }
        }
    }

    /// `(x − mean)·invstd·weight + bias` per channel, recorded with its backward.
    ///
    /// `batchStatistics` says whether mean and invstd came from this input (training), which
    /// adds their dependence on the input to the input's gradient.
    private static func normalized(
        _ input: Tensor, mean: [Double], invstd: [Double], weight: Tensor?, bias: Tensor?, batchStatistics: Bool
    ) -> Tensor {
        let (n, c) = (input.shape[0], input.shape[1])
        let inner = input.count / Swift.max(n * c, 1)
        let gammas = weight?.scalars.map(Double.init) ?? [Double](repeating: 1, count: c)
        let betas = bias?.scalars.map(Double.init) ?? [Double](repeating: 0, count: c)
        // y = x·scale + shift with scale = γ·invstd and shift = β − mean·scale.
        let scales = (0..<c).map { Float(gammas[$0] * invstd[$0]) }
        let shifts = (0..<c).map { Float(betas[$0] - mean[$0] * gammas[$0] * invstd[$0]) }
        let storage = Storage<Float>(uninitializedCount: input.count)  // every plane written
        input.withFloats { x in
            let (x, o) = (ChunkShared(x), ChunkShared(storage.base))
            Kernels.forEachRange(n * c, minimum: Swift.max(2, parallelElements / Swift.max(inner, 1))) { planes in
                for plane in planes {
                    let (scale, shift) = (scales[plane % c], shifts[plane % c])
                    let (source, target) = (x.pointer + plane * inner, o.pointer + plane * inner)
                    tt_scale_shift(source, target, inner, scale, shift)
                }
            }
        }
        let out = Tensor(floats: storage, shape: input.shape)
        var inputs = [input]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        let saved = input.detach()
        return record(out, name: "NativeBatchNormBackward0", inputs: inputs) { g in
            let gradients = batchNormBackward(
                g, input: saved, mean: mean, invstd: invstd, gammas: gammas, batchStatistics: batchStatistics)
            var result: [Tensor?] = [gradients.input]
            if weight != nil { result.append(gradients.weight) }
            if bias != nil { result.append(gradients.bias) }
            return result
        }
    }

    /// The gradients of batch normalisation for the input, the weight and the bias.
    ///
    /// With x̂ = (x − mean)·invstd and M values per channel: dβ = Σg, dγ = Σg·x̂, and
    /// dx = γ·invstd·(g − Σg/M − x̂·Σg·x̂/M) with batch statistics, γ·invstd·g without.
    private static func batchNormBackward(
        _ gradOutput: Tensor, input: Tensor, mean: [Double], invstd: [Double], gammas: [Double], batchStatistics: Bool
    ) -> (input: Tensor, weight: Tensor, bias: Tensor) {
        let (n, c) = (input.shape[0], input.shape[1])
        let inner = input.count / Swift.max(n * c, 1)
        let m = Double(n * inner)
        let storage = Storage<Float>(uninitializedCount: input.count)  // every channel written
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: 2 * c)  // weight, then bias gradients: all written
        defer { sums.deallocate() }
        input.withFloats { x in
            gradOutput.withFloats { g in
                let (x, g, o, out) = (ChunkShared(x), ChunkShared(g), ChunkShared(storage.base), ChunkShared(sums))
                forEachChannel(c, valuesPerChannel: n * inner) { channels in
                    let (x, g, o) = (UnsafePointer(x.pointer), UnsafePointer(g.pointer), o.pointer)
                    for ch in channels {
                        let mu = mean[ch]
                        var (sumG, sumGX) = (0.0, 0.0)
                        tt_channel_gradient_sums(g, x, ch, c, n, inner, mu, &sumG, &sumGX)
                        let istd = invstd[ch]
                        out.pointer[ch] = Float(sumGX * istd)
                        out.pointer[c + ch] = Float(sumG)
                        let scale = gammas[ch] * istd
                        // dx = scale·(g − gMean − (x − mu)·k); without batch statistics gMean = k = 0.
                        let gMean = batchStatistics && m > 0 ? sumG / m : 0
                        let k = batchStatistics && m > 0 ? sumGX * istd * istd / m : 0
                        // As PyTorch: the sums in double, the elementwise step in float (eight lanes at a time).
                        let (scaleF, gMeanF, muF, kF) = (Float(scale), Float(gMean), Float(mu), Float(k))
                        for b in 0..<n {
                            let start = (b * c + ch) * inner
                            tt_batch_norm_input_gradient(g + start, x + start, o + start, inner, gMeanF, muF, kF, scaleF)
                        }
                    }
                }
            }
        }
        let weightGrad = Array(UnsafeBufferPointer(start: sums, count: c))
        let biasGrad = Array(UnsafeBufferPointer(start: sums + c, count: c))
        return (Tensor(floats: storage, shape: input.shape),
                Tensor(shape: [c], scalars: weightGrad), Tensor(shape: [c], scalars: biasGrad))
    }
}
