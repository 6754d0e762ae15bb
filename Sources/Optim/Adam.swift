#if canImport(Glibc)
import Glibc
#endif
import Tensors

/// Adam (`torch.optim.Adam`), and AdamW with `decoupledWeightDecay` (`torch.optim.AdamW`).
///
/// Per step t: with coupled decay g = g + λ·θ, with decoupled decay θ = θ·(1 − lr·λ);
/// m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²; (AMSGrad: v̂ = max(v̂, v));
/// θ = θ − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε).
public class Adam: Optimizer {
    public let parameters: [Tensor]
    public var lr: Float
    /// (β1, β2), the decay rates of the first and second moment estimates.
    public var betas: (Float, Float)
    /// ε, added to the denominator for numerical stability.
    public var eps: Float
    /// λ, the weight decay.
    public var weightDecay: Float
    /// Whether to use the maximum of past second moments (AMSGrad).
    public var amsgrad: Bool
    /// Whether weight decay shrinks the weights directly (AdamW) instead of adding to the gradient.
    public let decoupledWeightDecay: Bool
    /// Steps taken per parameter.
    public private(set) var steps: [Int]
    /// First moment estimates m.
    public private(set) var expAvg: [Tensor]
    /// Second moment estimates v.
    public private(set) var expAvgSq: [Tensor]
    /// Running maxima of v (AMSGrad only).
    public private(set) var maxExpAvgSq: [Tensor]

    public init(_ parameters: [Tensor], lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8,
                weightDecay: Float = 0, amsgrad: Bool = false, decoupledWeightDecay: Bool = false) {
        require(lr >= 0, "Invalid learning rate: \(lr)")
        require(eps >= 0, "Invalid epsilon value: \(eps)")
        require((0..<1).contains(betas.0), "Invalid beta parameter at index 0: \(betas.0)")
        require((0..<1).contains(betas.1), "Invalid beta parameter at index 1: \(betas.1)")
        require(weightDecay >= 0, "Invalid weight_decay value: \(weightDecay)")
        self.parameters = parameters
        self.lr = lr
        self.betas = betas
        self.eps = eps
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
        self.decoupledWeightDecay = decoupledWeightDecay
        steps = Array(repeating: 0, count: parameters.count)
        expAvg = parameters.map { Tensor.zeros($0.shape, dtype: $0.dtype) }
        expAvgSq = parameters.map { Tensor.zeros($0.shape, dtype: $0.dtype) }
        maxExpAvgSq = parameters.map { Tensor.zeros($0.shape, dtype: $0.dtype) }
    }

    public var name: String { decoupledWeightDecay ? "AdamW" : "Adam" }

    public func copy() -> any Optimizer {
        let twin = decoupledWeightDecay
            ? AdamW(parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad)
            : Adam(parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad)
        twin.steps = steps
        twin.expAvg = expAvg.map { $0.clone() }
        twin.expAvgSq = expAvgSq.map { $0.clone() }
        twin.maxExpAvgSq = maxExpAvgSq.map { $0.clone() }
        return twin
    }

    public var hyperparameters: [(name: String, value: String)] {
        [("lr", formatHyperparameter(lr)), ("betas", "(\(formatHyperparameter(betas.0)), \(formatHyperparameter(betas.1)))"),
         ("eps", formatHyperparameter(eps)), ("weight_decay", formatHyperparameter(weightDecay)),
         ("amsgrad", amsgrad ? "True" : "False")]
    }

    public var tunables: [Hyperparameter] {
        [tunable("lr", .nonNegative, \.lr), tunable("beta1", .unitInterval, \.betas.0), tunable("beta2", .unitInterval, \.betas.1),
         tunable("eps", .nonNegative, \.eps), tunable("weight_decay", .nonNegative, \.weightDecay)]
    }

    public func step() {
        let (amsgrad, decoupled) = (amsgrad, decoupledWeightDecay)
        for (i, p) in parameters.enumerated() {
            guard let grad = p.grad else { continue }
            steps[i] += 1
            let t = Double(steps[i])
            let state = [expAvg[i], expAvgSq[i], maxExpAvgSq[i]]
            if p.dtype == .float64 {
                let (lr, beta1, beta2) = (lr.asWrittenDouble, betas.0.asWrittenDouble, betas.1.asWrittenDouble)
                let (eps, decay) = (eps.asWrittenDouble, weightDecay.asWrittenDouble)
                let stepSize = lr / (1 - pow(beta1, t)), correction2Sqrt = (1 - pow(beta2, t)).squareRoot()
                p.updateElementwise(reading: grad, state: state) { range, theta, g, state in
                    Self.update(range, theta, g, state, lr: lr, betas: (beta1, beta2), eps: eps, decay: decay, stepSize: stepSize,
                                correction2Sqrt: correction2Sqrt, amsgrad: amsgrad, decoupled: decoupled)
                }
            } else {
                let (lr, beta1, beta2, eps, decay) = (lr, betas.0, betas.1, eps, weightDecay)
                let stepSize = Float(Double(lr) / (1 - pow(Double(beta1), t)))
                let correction2Sqrt = Float((1 - pow(Double(beta2), t)).squareRoot())
                p.updateElementwise(reading: grad, state: state) { range, theta, g, state in
                    Self.update(range, theta, g, state, lr: lr, betas: (beta1, beta2), eps: eps, decay: decay, stepSize: stepSize,
                                correction2Sqrt: correction2Sqrt, amsgrad: amsgrad, decoupled: decoupled)
                }
            }
        }
    }

    /// Adam's update of the elements in `range`, in Float or Double; `state` is m, v and v̂.
    @inline(__always)
    static func update<T: BinaryFloatingPoint>(
        _ range: Range<Int>, _ theta: UnsafeMutablePointer<T>, _ g: UnsafePointer<T>, _ state: [UnsafeMutablePointer<T>],
        lr: T, betas: (T, T), eps: T, decay: T, stepSize: T, correction2Sqrt: T, amsgrad: Bool, decoupled: Bool
    ) {
        let (m, v, vMax) = (state[0], state[1], state[2])
        let (beta1, beta2) = betas
        for j in range {
            var gj = g[j]
            if decay != 0 {
                if decoupled { theta[j] *= 1 - lr * decay } else { gj += decay * theta[j] }
            }
            m[j] += (1 - beta1) * (gj - m[j])
            v[j] = beta2 * v[j] + (1 - beta2) * gj * gj
            var second = v[j]
            if amsgrad {
                vMax[j] = Swift.max(vMax[j], v[j])
                second = vMax[j]
            }
            theta[j] -= stepSize * m[j] / (second.squareRoot() / correction2Sqrt + eps)
        }
    }
}

/// AdamW (`torch.optim.AdamW`): Adam with decoupled weight decay, default λ = 0.01.
public final class AdamW: Adam {
    public init(_ parameters: [Tensor], lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8,
                weightDecay: Float = 1e-2, amsgrad: Bool = false) {
        super.init(parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad, decoupledWeightDecay: true)
    }
}
