import Tensors

/// Stochastic gradient descent with optional momentum, dampening, Nesterov and weight decay (`torch.optim.SGD`).
///
/// Per step: d = g + λ·θ; with momentum μ the buffer is b = d on the first step and
/// b = μ·b + (1 − τ)·d afterwards, and d = d + μ·b (Nesterov) or d = b; then θ = θ − lr·d.
public final class SGD: Optimizer {
    public let parameters: [Tensor]
    public var lr: Float
    /// μ, the momentum factor (0 disables momentum).
    public var momentum: Float
    /// τ, the dampening of the gradient added to the momentum buffer.
    public var dampening: Float
    /// λ, the L2 penalty added to the gradient.
    public var weightDecay: Float
    /// Whether to use Nesterov momentum.
    public var nesterov: Bool
    /// The momentum buffers (nil until a parameter's first step with momentum).
    public private(set) var momentumBuffers: [Tensor?]

    public init(_ parameters: [Tensor], lr: Float = 1e-3, momentum: Float = 0, dampening: Float = 0, weightDecay: Float = 0, nesterov: Bool = false) {
        require(lr >= 0, "Invalid learning rate: \(lr)")
        require(momentum >= 0, "Invalid momentum value: \(momentum)")
        require(weightDecay >= 0, "Invalid weight_decay value: \(weightDecay)")
        require(!nesterov || (momentum > 0 && dampening == 0), "Nesterov momentum requires a momentum and zero dampening")
        self.parameters = parameters
        self.lr = lr
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        momentumBuffers = Array(repeating: nil, count: parameters.count)
    }

    public var name: String { "SGD" }

    public func copy() -> any Optimizer {
        let twin = SGD(parameters, lr: lr, momentum: momentum, dampening: dampening, weightDecay: weightDecay, nesterov: nesterov)
        twin.momentumBuffers = momentumBuffers.map { $0?.clone() }
        return twin
    }

    public var hyperparameters: [(name: String, value: String)] {
        [("lr", formatHyperparameter(lr)), ("momentum", formatHyperparameter(momentum)),
         ("dampening", formatHyperparameter(dampening)), ("weight_decay", formatHyperparameter(weightDecay)),
         ("nesterov", nesterov ? "True" : "False")]
    }

    public var tunables: [Hyperparameter] {
        [tunable("lr", .nonNegative, \.lr),
         tunable("momentum", .unitInterval, \.momentum) { [self] in
             $0 == 0 && nesterov ? "Nesterov momentum is on and needs a momentum above 0" : nil
         },
         tunable("nesterov", \.nesterov) { [self] in
             $0 != 0 && !(momentum > 0 && dampening == 0) ? "Nesterov momentum needs a momentum above 0 and no dampening" : nil
         },
         tunable("weight_decay", .nonNegative, \.weightDecay)]
    }

    public func step() {
        for (i, p) in parameters.enumerated() {
            guard let grad = p.grad else { continue }
            let firstStep = momentumBuffers[i] == nil
            if momentum != 0 && firstStep { momentumBuffers[i] = Tensor.zeros(p.shape, dtype: p.dtype) }
            let state = momentum != 0 ? [momentumBuffers[i]!] : []
            let nesterov = nesterov
            if p.dtype == .float64 {
                let (lr, mu, tau, decay) = (lr.asWrittenDouble, momentum.asWrittenDouble, dampening.asWrittenDouble, weightDecay.asWrittenDouble)
                p.updateElementwise(reading: grad, state: state) { range, theta, g, state in
                    Self.update(range, theta, g, state.first, lr: lr, mu: mu, tau: tau, decay: decay, nesterov: nesterov, firstStep: firstStep)
                }
            } else {
                let (lr, mu, tau, decay) = (lr, momentum, dampening, weightDecay)
                p.updateElementwise(reading: grad, state: state) { range, theta, g, state in
                    Self.update(range, theta, g, state.first, lr: lr, mu: mu, tau: tau, decay: decay, nesterov: nesterov, firstStep: firstStep)
                }
            }
        }
    }

    /// SGD's update of the elements in `range`, in Float or Double; `b` is the momentum buffer (nil without momentum).
    @inline(__always)
    static func update<T: BinaryFloatingPoint>(
        _ range: Range<Int>, _ theta: UnsafeMutablePointer<T>, _ g: UnsafePointer<T>, _ b: UnsafeMutablePointer<T>?,
        lr: T, mu: T, tau: T, decay: T, nesterov: Bool, firstStep: Bool
    ) {
        guard let b else {
            for j in range { theta[j] -= lr * (g[j] + decay * theta[j]) }
            return
        }
        for j in range {
            let d = g[j] + decay * theta[j]
            b[j] = firstStep ? d : mu * b[j] + (1 - tau) * d
            theta[j] -= lr * (nesterov ? d + mu * b[j] : b[j])
        }
    }
}
