import Tensors

/// RMSprop (`torch.optim.RMSprop`).
///
/// Per step: g = g + λ·θ; s = α·s + (1 − α)·g²; centred: ḡ = α·ḡ + (1 − α)·g and
/// a = √(s − ḡ²) + ε, else a = √s + ε; with momentum μ: b = μ·b + g/a, θ = θ − lr·b;
/// otherwise θ = θ − lr·g/a.
public final class RMSprop: Optimizer {
    public let parameters: [Tensor]
    public var lr: Float
    /// α, the smoothing constant of the squared-gradient average.
    public var alpha: Float
    public var eps: Float
    public var weightDecay: Float
    public var momentum: Float
    /// Whether to normalise by the estimated variance instead of the raw second moment.
    public var centered: Bool
    /// Running averages of g².
    public private(set) var squareAvg: [Tensor]
    /// Running averages of g (centred only).
    public private(set) var gradAvg: [Tensor]
    /// Momentum buffers.
    public private(set) var momentumBuffers: [Tensor]

    public init(_ parameters: [Tensor], lr: Float = 1e-2, alpha: Float = 0.99, eps: Float = 1e-8,
                weightDecay: Float = 0, momentum: Float = 0, centered: Bool = false) {
        require(lr >= 0, "Invalid learning rate: \(lr)")
        require(eps >= 0, "Invalid epsilon value: \(eps)")
        require(momentum >= 0, "Invalid momentum value: \(momentum)")
        require(weightDecay >= 0, "Invalid weight_decay value: \(weightDecay)")
        require(alpha >= 0, "Invalid alpha value: \(alpha)")
        self.parameters = parameters
        self.lr = lr
        self.alpha = alpha
        self.eps = eps
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
        squareAvg = parameters.map { Tensor.zeros($0.shape, dtype: $0.dtype) }
        gradAvg = parameters.map { Tensor.zeros($0.shape, dtype: $0.dtype) }
        momentumBuffers = parameters.map { Tensor.zeros($0.shape, dtype: $0.dtype) }
    }

    public var name: String { "RMSprop" }

    public func copy() -> any Optimizer {
        let twin = RMSprop(parameters, lr: lr, alpha: alpha, eps: eps, weightDecay: weightDecay, momentum: momentum, centered: centered)
        twin.squareAvg = squareAvg.map { $0.clone() }
        twin.gradAvg = gradAvg.map { $0.clone() }
        twin.momentumBuffers = momentumBuffers.map { $0.clone() }
        return twin
    }

    public var hyperparameters: [(name: String, value: String)] {
        [("lr", formatHyperparameter(lr)), ("alpha", formatHyperparameter(alpha)), ("eps", formatHyperparameter(eps)),
         ("weight_decay", formatHyperparameter(weightDecay)), ("momentum", formatHyperparameter(momentum)),
         ("centered", centered ? "True" : "False")]
    }

    public var tunables: [Hyperparameter] {
        [tunable("lr", .nonNegative, \.lr), tunable("alpha", .unitInterval, \.alpha), tunable("eps", .nonNegative, \.eps),
         tunable("weight_decay", .nonNegative, \.weightDecay), tunable("momentum", .unitInterval, \.momentum),
         tunable("centered", \.centered)]
    }

    public func step() {
        let centered = centered
        for (i, p) in parameters.enumerated() {
            guard let grad = p.grad else { continue }
            let state = [squareAvg[i], gradAvg[i], momentumBuffers[i]]
            if p.dtype == .float64 {
                let (lr, alpha, eps, decay, mu) = (lr.asWrittenDouble, alpha.asWrittenDouble, eps.asWrittenDouble,
                                                   weightDecay.asWrittenDouble, momentum.asWrittenDouble)
                p.updateElementwise(reading: grad, state: state) { range, theta, g, state in
                    Self.update(range, theta, g, state, lr: lr, alpha: alpha, eps: eps, decay: decay, mu: mu, centered: centered)
                }
            } else {
                let (lr, alpha, eps, decay, mu) = (lr, alpha, eps, weightDecay, momentum)
                p.updateElementwise(reading: grad, state: state) { range, theta, g, state in
                    Self.update(range, theta, g, state, lr: lr, alpha: alpha, eps: eps, decay: decay, mu: mu, centered: centered)
                }
            }
        }
    }

    /// RMSprop's update of the elements in `range`, in Float or Double; `state` is s, ḡ and b.
    @inline(__always)
    static func update<T: BinaryFloatingPoint>(
        _ range: Range<Int>, _ theta: UnsafeMutablePointer<T>, _ g: UnsafePointer<T>, _ state: [UnsafeMutablePointer<T>],
        lr: T, alpha: T, eps: T, decay: T, mu: T, centered: Bool
    ) {
        let (s, gAvg, b) = (state[0], state[1], state[2])
        for j in range {
            let gj = g[j] + decay * theta[j]
            s[j] = alpha * s[j] + (1 - alpha) * gj * gj
            var average: T
            if centered {
                gAvg[j] += (1 - alpha) * (gj - gAvg[j])
                average = (s[j] - gAvg[j] * gAvg[j]).squareRoot()
            } else {
                average = s[j].squareRoot()
            }
            average += eps
            if mu > 0 {
                b[j] = mu * b[j] + gj / average
                theta[j] -= lr * b[j]
            } else {
                theta[j] -= lr * gj / average
            }
        }
    }
}
