import Testing
import NN
import Tensors
import TestSupport

/// Every loss against PyTorch: values and input gradients for each reduction.
@Suite struct LossTests {
    static let crossEntropyVariants = Fixtures.golden["c_cross_entropy"]["variants"].keys

    /// Every `c_cross_entropy` variant, in float32 and float64.
    @Test(arguments: crossEntropyVariants, Precision.allCases)
    func crossEntropyVariant(name: String, precision: Precision) throws {
        let golden = Fixtures.golden["c_cross_entropy"]
        let variant = golden["variants"][name]
        let kwargs = variant["kwargs"]
        let weight = kwargs.has("weight") ? precision.tensor(shape: [3], kwargs["weight"].flattened) : nil
        let target: Tensor
        if variant["target_kind"].string == "probs" {
            target = precision.tensor(shape: [4, 3], golden["prob_targets"].flattened)
        } else {
            target = Golden.tensor(variant["target"])
        }
        for reduction in Reduction.allCases {
            let loss = CrossEntropyLoss(
                weight: weight, ignoreIndex: kwargs.has("ignore_index") ? Int(kwargs["ignore_index"].double!) : -100,
                reduction: reduction, labelSmoothing: Float(kwargs.has("label_smoothing") ? kwargs["label_smoothing"].double! : 0))
            let logits = precision.tensor(shape: [4, 3], golden["logits"].flattened, requiresGrad: true)
            let out = loss(logits, target)
            #expect(out.dtype == precision.dtype)
            let expected = variant[precision.rawValue][reduction.rawValue]
            #expect(Golden.mismatch(out, expected["output"]) == nil, "\(name) \(reduction)")
            try out.backward(reduction == .none ? Tensor.onesLike(out) : nil)
            if expected.has("grad_logits") {
                #expect(Golden.mismatch(logits.grad!, expected["grad_logits"]) == nil, "\(name) \(reduction) gradient")
            }
        }
    }

    @Test(arguments: ["bce", "bce_weight_posweight", "l1", "mse"])
    func elementwiseLosses(name: String) throws {
        let spec = Fixtures.extra["losses"]
        let target = Golden.tensor(spec["target"])
        for reduction in Reduction.allCases {
            let input = Golden.tensor(spec["input"], requiresGrad: true)
            let loss: any Loss = switch name {
            case "bce": BCEWithLogitsLoss(reduction: reduction)
            case "bce_weight_posweight": BCEWithLogitsLoss(weight: Golden.tensor(spec["weight"]), reduction: reduction, posWeight: Golden.tensor(spec["pos_weight"]))
            case "l1": L1Loss(reduction: reduction)
            default: MSELoss(reduction: reduction)
            }
            let out = loss(input, target)
            let expected = spec["cases"]["\(name)_\(reduction.rawValue)"]
            #expect(Golden.mismatch(out, expected["output"]) == nil, "\(name) \(reduction)")
            try out.backward(reduction == .none ? Tensor.onesLike(out) : nil)
            #expect(Golden.mismatch(input.grad!, expected["grad"]) == nil, "\(name) \(reduction) gradient")
        }
    }

    @Test(arguments: [false, true])
    func nllLossWithIgnoredTarget(weighted: Bool) throws {
        let spec = Fixtures.extra["losses"]
        for reduction in Reduction.allCases {
            let logProbs = Golden.tensor(spec["log_probs"], requiresGrad: true)
            let loss = NLLLoss(weight: weighted ? Golden.tensor(spec["weight"]) : nil, ignoreIndex: 1, reduction: reduction)
            let out = loss(logProbs, Golden.tensor(spec["labels"]))
            let expected = spec["cases"]["nll_ignore1\(weighted ? "_weight" : "")_\(reduction.rawValue)"]
            #expect(Golden.mismatch(out, expected["output"]) == nil, "\(reduction)")
            try out.backward(reduction == .none ? Tensor.onesLike(out) : nil)
            #expect(Golden.mismatch(logProbs.grad!, expected["grad"]) == nil, "\(reduction) gradient")
        }
    }

    @Test func notebookLossCellPrintsThreeReductions() {
        let logits = Tensor(shape: [4, 3], scalars: Fixtures.golden["c_cross_entropy"]["logits"].flattened.map { Float($0) })
        let target = Tensor([2, 0, 1, 0])
        #expect(CrossEntropyLoss(reduction: .none)(logits, target).description == "tensor([0.3245, 0.2439, 0.3351, 1.0986])")
        #expect(CrossEntropyLoss(reduction: .mean)(logits, target).description == "tensor(0.5005)")
        #expect(CrossEntropyLoss(reduction: .sum)(logits, target).description == "tensor(2.0020)")
    }
}
