#if canImport(Glibc)
import Glibc
#endif
import Tensors

/// PyTorch's `nn.init`: functions that fill a tensor in place, without recording gradients.
///
/// Every function draws from `generator` (the thread's default generator when nil), so a
/// seed reproduces the values. Shapes a method cannot handle throw an `InitError`.
public enum Init {
    /// The recommended gain for `nonlinearity`, `nn.init.calculate_gain`.
    public static func calculateGain(_ nonlinearity: Nonlinearity, param: Double? = nil) -> Double {
        nonlinearity.gain(param: param)
    }

    /// Fills with U(a, b).
    @discardableResult
    public static func uniform_(_ tensor: Tensor, a: Float = 0, b: Float = 1, generator: Generator? = nil) -> Tensor {
        tensor.uniform_(a, b, generator: generator)
    }

    /// Fills with N(mean, std²).
    @discardableResult
    public static func normal_(_ tensor: Tensor, mean: Float = 0, std: Float = 1, generator: Generator? = nil) -> Tensor {
        tensor.normal_(mean: mean, std: std, generator: generator)
    }

    /// Fills with N(mean, std²) truncated to [a, b] (a and b are absolute cut-offs, not in stds).
    ///
    /// Sampled as PyTorch's `trunc_normal_` does, by the inverse CDF: a uniform draw between
    /// the normal CDF at a and at b, mapped back through the inverse CDF and clamped to
    /// [a, b]. One draw per element, so it always ends, even when [a, b] lies so far out in a
    /// tail that both CDF values round to 1 (then every value lands on a cut-off, as in PyTorch).
    @discardableResult
    public static func truncNormal_(
        _ tensor: Tensor, mean: Float = 0, std: Float = 1, a: Float = -2, b: Float = 2, generator: Generator? = nil
    ) throws -> Tensor {
        guard std > 0, a < b, mean.isFinite, std.isFinite, a.isFinite, b.isFinite else {
            throw InitError("trunc_normal_ needs finite values with std > 0 and a < b, got mean=\(mean), std=\(std), a=\(a), b=\(b)")
        }
        let g = generator ?? defaultGenerator
        let (m, s, low, high) = (Double(mean), Double(std), Double(a), Double(b))
        func cdf(_ x: Double) -> Double { 0.5 * (1 + erf((x - m) / (s * 2.0.squareRoot()))) }
        // Uniform on [2·cdf(a) − 1, 2·cdf(b) − 1], then erfinv: PyTorch's steps, in double precision.
        let lowEnd = 2 * cdf(low) - 1, highEnd = 2 * cdf(high) - 1
        rewrite(tensor) { values in
            for i in values.indices {
                let u = lowEnd + (highEnd - lowEnd) * g.nextDouble()
                let x = m + s * 2.0.squareRoot() * InverseErf.of(u)
                values[i] = x.isNaN ? low : min(max(x, low), high)
            }
        }
        return tensor
    }

    /// Fills with `value`.
    @discardableResult
    public static func constant_(_ tensor: Tensor, _ value: Float) -> Tensor { tensor.fill_(value) }

    /// Fills with 1.
    @discardableResult
    public static func ones_(_ tensor: Tensor) -> Tensor { tensor.fill_(1) }

    /// Fills with 0.
    @discardableResult
    public static func zeros_(_ tensor: Tensor) -> Tensor { tensor.fill_(0) }

    /// Fills a 2-D tensor with the identity matrix (ones on the diagonal), keeping linear layers' inputs.
    @discardableResult
    public static func eye_(_ tensor: Tensor) throws -> Tensor {
        guard tensor.rank == 2 else { throw InitError("Only tensors with 2 dimensions are supported (eye_ got shape \(tensor.shape))") }
        let cols = tensor.shape[1]
        rewrite(tensor) { values in
            values = [Double](repeating: 0, count: values.count)
            for i in 0..<min(tensor.shape[0], cols) { values[i * cols + i] = 1 }
        }
        return tensor
    }

    /// Fills a 3-, 4- or 5-D convolution weight with the Dirac delta, keeping the identity of
    /// as many input channels as possible in each of `groups` groups.
    @discardableResult
    public static func dirac_(_ tensor: Tensor, groups: Int = 1) throws -> Tensor {
        let shape = tensor.shape
        guard (3...5).contains(shape.count) else { throw InitError("Only tensors with 3, 4, or 5 dimensions are supported (dirac_ got shape \(shape))") }
        guard groups > 0, shape[0] % groups == 0 else { throw InitError("dim 0 must be divisible by groups (size \(shape[0]), groups \(groups))") }
        let outPerGroup = shape[0] / groups
        let minDim = min(outPerGroup, shape[1])
        let strides = Shape.contiguousStrides(shape)
        let centre = shape.dropFirst(2).enumerated().reduce(0) { $0 + ($1.element / 2) * strides[$1.offset + 2] }
        rewrite(tensor) { values in
            values = [Double](repeating: 0, count: values.count)
            for group in 0..<groups {
                for d in 0..<minDim {
                    values[(group * outPerGroup + d) * strides[0] + d * strides[1] + centre] = 1
                }
            }
        }
        return tensor
    }

    /// The std Xavier initialisers aim for: gain · √(2 / (fan_in + fan_out)).
    public static func xavierStd(shape: [Int], gain: Double = 1) throws -> Double {
        let fan = try Fan(shape: shape)
        return gain * (2.0 / Double(fan.fanIn + fan.fanOut)).squareRoot()
    }

    /// U(−bound, bound) with bound = gain · √(6 / (fan_in + fan_out)) = √3 · std (Glorot & Bengio 2010).
    @discardableResult
    public static func xavierUniform_(_ tensor: Tensor, gain: Double = 1, generator: Generator? = nil) throws -> Tensor {
        let bound = 3.0.squareRoot() * (try xavierStd(shape: tensor.shape, gain: gain))
        return tensor.uniform_(Float(-bound), Float(bound), generator: generator)
    }

    /// N(0, std²) with std = gain · √(2 / (fan_in + fan_out)).
    @discardableResult
    public static func xavierNormal_(_ tensor: Tensor, gain: Double = 1, generator: Generator? = nil) throws -> Tensor {
        let std = try xavierStd(shape: tensor.shape, gain: gain)
        return tensor.normal_(mean: 0, std: Float(std), generator: generator)
    }

    /// The std Kaiming initialisers aim for: gain / √fan, gain = calculate_gain(nonlinearity, a).
    public static func kaimingStd(shape: [Int], a: Double = 0, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu) throws -> Double {
        let fan = try Fan(shape: shape).value(mode)
        return nonlinearity.gain(param: a) / Double(fan).squareRoot()
    }

    /// U(−bound, bound) with bound = √3 · gain / √fan (He et al. 2015).
    ///
    /// `a` is the negative slope for `leakyRelu` (so the default a = 0 gives gain √2).
    @discardableResult
    public static func kaimingUniform_(
        _ tensor: Tensor, a: Double = 0, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu,
        generator: Generator? = nil
    ) throws -> Tensor {
        if tensor.count == 0 { return tensor }
        let bound = 3.0.squareRoot() * (try kaimingStd(shape: tensor.shape, a: a, mode: mode, nonlinearity: nonlinearity))
        return tensor.uniform_(Float(-bound), Float(bound), generator: generator)
    }

    /// N(0, std²) with std = gain / √fan.
    @discardableResult
    public static func kaimingNormal_(
        _ tensor: Tensor, a: Double = 0, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu,
        generator: Generator? = nil
    ) throws -> Tensor {
        if tensor.count == 0 { return tensor }
        let std = try kaimingStd(shape: tensor.shape, a: a, mode: mode, nonlinearity: nonlinearity)
        return tensor.normal_(mean: 0, std: Float(std), generator: generator)
    }

    /// A (semi-)orthogonal matrix times `gain` (Saxe et al. 2013), from the QR decomposition
    /// of a standard normal matrix with the signs of R's diagonal folded into Q.
    ///
    /// Tensors with more than 2 dims are treated as [shape[0], rest] matrices.
    @discardableResult
    public static func orthogonal_(_ tensor: Tensor, gain: Float = 1, generator: Generator? = nil) throws -> Tensor {
        guard tensor.rank >= 2 else { throw InitError("Only tensors with 2 or more dimensions are supported (orthogonal_ got shape \(tensor.shape))") }
        if tensor.count == 0 { return tensor }
        let rows = tensor.shape[0], cols = tensor.count / rows
        let q = try Orthogonal.matrix(rows: rows, cols: cols, generator: generator ?? defaultGenerator)
        rewrite(tensor) { values in
            for i in values.indices { values[i] = Double(q[i]) * Double(gain) }
        }
        return tensor
    }

    /// A 2-D matrix with N(0, std²) values and, in each column, ⌈sparsity · rows⌉ random zeros
    /// (Martens 2010).
    @discardableResult
    public static func sparse_(_ tensor: Tensor, sparsity: Float, std: Float = 0.01, generator: Generator? = nil) throws -> Tensor {
        guard tensor.rank == 2 else { throw InitError("Only tensors with 2 dimensions are supported (sparse_ got shape \(tensor.shape))") }
        guard (0...1).contains(sparsity) else { throw InitError("sparsity must be in [0, 1], got \(sparsity)") }
        let g = generator ?? defaultGenerator
        let (rows, cols) = (tensor.shape[0], tensor.shape[1])
        let zerosPerColumn = Int((Double(sparsity) * Double(rows)).rounded(.up))
        tensor.normal_(mean: 0, std: std, generator: g)
        rewrite(tensor) { values in
            for col in 0..<cols {
                for row in g.permutation(rows).prefix(zerosPerColumn) { values[row * cols + col] = 0 }
            }
        }
        return tensor
    }

    /// PyTorch's `nn.Linear` initialisation: kaimingUniform_(a: √5) for the weight, so
    /// bound = 1/√fan_in, and U(−1/√fan_in, 1/√fan_in) for the bias.
    public static func pytorchLinearDefault(weight: Tensor, bias: Tensor?, generator: Generator? = nil) {
        let g = generator ?? defaultGenerator
        _ = try? kaimingUniform_(weight, a: linearDefaultSlope, generator: g)
        if let bias, let fanIn = try? Fan(shape: weight.shape).fanIn {
            let bound = Float(linearBiasBound(fanIn: fanIn))
            bias.uniform_(-bound, bound, generator: g)
        }
    }

    /// The `a` PyTorch's Linear and Conv layers pass to `kaiming_uniform_`: √5, in double
    /// precision like every step of PyTorch's bound (rounded to Float only when drawing).
    public static let linearDefaultSlope = 5.0.squareRoot()

    /// The bound of PyTorch's Linear and Conv bias initialisation: 1/√fan_in (0 for fan_in 0),
    /// in double precision; `uniform_` rounds it to Float once, as PyTorch does.
    public static func linearBiasBound(fanIn: Int) -> Double {
        fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0
    }

    /// Rewrites `tensor`'s elements (row-major, as doubles) through `body`, in its own dtype.
    ///
    /// So the initialisers fill float32 and float64 tensors alike: a float32 element is
    /// rounded once, as writing `Float(value)` would. Not recorded by autograd.
    static func rewrite(_ tensor: Tensor, _ body: (inout [Double]) -> Void) {
        var values = tensor.float64Scalars
        body(&values)
        noGrad { _ = tensor.copy_(Tensor(shape: tensor.shape, float64Scalars: values)) }
    }
}
