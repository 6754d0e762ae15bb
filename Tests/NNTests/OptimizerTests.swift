import Testing
import Optim
import Tensors
import TestSupport

/// Three steps of each optimizer on mse(X·Wᵀ + b, Y), against PyTorch's parameters and state.
@Suite struct OptimizerTests {
    static let problem = Fixtures.golden["f_optimizers"]["problem"]

    /// The problem's parameters and a closure computing its loss, in `precision`.
    static func makeProblem(_ precision: Precision = .float32) -> (w: Tensor, b: Tensor, loss: () -> Tensor) {
        let w = precision.tensor(shape: [2, 2], problem["W0"].flattened, requiresGrad: true)
        let b = precision.tensor(shape: [2], problem["b0"].flattened, requiresGrad: true)
        let x = precision.tensor(shape: [3, 2], problem["X"].flattened)
        let y = precision.tensor(shape: [3, 2], problem["Y"].flattened)
        return (w, b, { (Tensor.linear(x, weight: w, bias: b) - y).pow(2).mean() })
    }

    /// Builds the optimizer a golden case names, from its recorded hyperparameters.
    static func optimizer(_ name: String, _ h: JSONValue, _ params: [Tensor]) -> Optimizer {
        let lr = Float(h["lr"].double!)
        let decay = Float(h.has("weight_decay") ? h["weight_decay"].double! : 0)
        if name.hasPrefix("sgd") {
            return SGD(params, lr: lr, momentum: Float(h["momentum"].double!), dampening: Float(h["dampening"].double!),
                       weightDecay: decay, nesterov: h["nesterov"].bool!)
        }
        let betas = h["betas"].flattened.map { Float($0) }
        if name.hasPrefix("adamw") {
            return AdamW(params, lr: lr, betas: (betas[0], betas[1]), eps: Float(h["eps"].double!), weightDecay: decay, amsgrad: h["amsgrad"].bool!)
        }
        return Adam(params, lr: lr, betas: (betas[0], betas[1]), eps: Float(h["eps"].double!), weightDecay: decay, amsgrad: h["amsgrad"].bool!)
    }

    /// Three steps of every `f_optimizers` case, in float32 and float64 (float64 parameters, state and update).
    @Test(arguments: Fixtures.golden["f_optimizers"]["optimizers"].keys, Precision.allCases)
    func matchesPyTorchForThreeSteps(name: String, precision: Precision) throws {
        let golden = Fixtures.golden["f_optimizers"]["optimizers"][name]
        let (w, b, loss) = Self.makeProblem(precision)
        let optimizer = Self.optimizer(name, golden["hyperparameters"], [w, b])
        guard case .array(let steps) = golden[precision.rawValue] else { Issue.record("no steps"); return }
        for step in steps {
            optimizer.zeroGrad()
            let value = loss()
            #expect(Golden.mismatch(value, step["loss_before_step"]) == nil)
            try value.backward()
            #expect(Golden.mismatch(w.grad!, step["grad_W"]) == nil)
            #expect(Golden.mismatch(b.grad!, step["grad_b"]) == nil)
            optimizer.step()
            #expect(Golden.mismatch(w, step["W_after"]) == nil, "\(name) W after step \(step["step"].double!)")
            #expect(Golden.mismatch(b, step["b_after"]) == nil, "\(name) b after step \(step["step"].double!)")
            let state = step["state_after"]["W"]
            if let sgd = optimizer as? SGD, state.has("momentum_buffer") {
                #expect(Golden.mismatch(sgd.momentumBuffers[0]!, state["momentum_buffer"]) == nil)
            }
            if let adam = optimizer as? Adam {
                #expect(Golden.mismatch(adam.expAvg[0], state["exp_avg"]) == nil)
                #expect(Golden.mismatch(adam.expAvgSq[0], state["exp_avg_sq"]) == nil)
                #expect(Double(adam.steps[0]) == state["step"]["data"].double!)
            }
        }
    }

    @Test(arguments: Fixtures.extra["optimizers"].keys)
    func moreOptimizersMatchPyTorch(name: String) throws {
        let (w, b, loss) = Self.makeProblem()
        let optimizer: Optimizer = switch name {
        case "rmsprop_lr0.01": RMSprop([w, b], lr: 0.01)
        case "rmsprop_lr0.01_momentum0.9_centered_wd0.1": RMSprop([w, b], lr: 0.01, weightDecay: 0.1, momentum: 0.9, centered: true)
        case "adam_lr0.1_amsgrad": Adam([w, b], lr: 0.1, amsgrad: true)
        default: SGD([w, b], lr: 0.1, momentum: 0.9, dampening: 0.5)
        }
        guard case .array(let steps) = Fixtures.extra["optimizers"][name] else { Issue.record("no steps"); return }
        for (i, step) in steps.enumerated() {
            optimizer.zeroGrad()
            try loss().backward()
            optimizer.step()
            #expect(Golden.mismatch(w, step["W_after"]) == nil, "\(name) W after step \(i + 1)")
            #expect(Golden.mismatch(b, step["b_after"]) == nil, "\(name) b after step \(i + 1)")
        }
    }

    @Test func learningRateIsWritableBetweenSteps() throws {
        let (w, b, loss) = Self.makeProblem()
        let sgd = SGD([w, b], lr: 0.1)
        sgd.lr = 0
        try loss().backward()
        let before = w.scalars
        sgd.step()
        #expect(w.scalars == before)
        sgd.lr = 1
        sgd.step()
        #expect(w.scalars != before)
        #expect(sgd.hyperparameters.first! == ("lr", "1.0"))
    }

    @Test func parametersWithoutGradientsAreSkipped() {
        let p = Tensor([1.0, 2.0], requiresGrad: true)
        let adam = Adam([p], lr: 0.1)
        adam.step()
        #expect(p.scalars == [1, 2])
        #expect(adam.steps == [0])
    }

    @Test(arguments: ["steplr_3_0.5", "cosine_5_0.001"])
    func schedulesMatchPyTorch(name: String) {
        let p = Tensor([0.0], requiresGrad: true)
        let sgd = SGD([p], lr: 0.1)
        let scheduler: LRScheduler = name.hasPrefix("step")
            ? StepLR(sgd, stepSize: 3, gamma: 0.5) : CosineAnnealingLR(sgd, tMax: 5, etaMin: 0.001)
        for expected in Fixtures.extra["schedules"][name].flattened {
            sgd.step()
            scheduler.step()
            #expect(Golden.isClose(sgd.lr, expected, absolute: 1e-7, relative: 1e-5), "epoch \(scheduler.lastEpoch)")
        }
    }
}
