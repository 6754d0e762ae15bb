import Testing
import Tensors
import TestSupport

/// Seeded random expressions whose values and gradients PyTorch recorded (golden case `b_compositions`),
/// each in float32 and in float64.
@Suite struct CompositionGoldenTests {
    /// The composition cases recorded in `precision`.
    func cases(_ precision: Precision) -> JSONValue { precision.golden["b_compositions"] }

    /// The case's inputs as leaves that require gradients.
    func inputs(_ golden: JSONValue) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for name in golden["inputs"].keys {
            result[name] = Golden.tensor(golden["inputs"][name], requiresGrad: true)
        }
        return result
    }

    /// Runs backward (with the stored grad_output when there is one) and checks output and every gradient.
    func check(_ out: Tensor, _ leaves: [String: Tensor], _ golden: JSONValue) throws {
        #expect(Golden.mismatch(out, golden["output"]) == nil)
        if case .object = golden["grad_output"] {
            try out.backward(Golden.tensor(golden["grad_output"]))
        } else {
            try out.backward()
        }
        for name in golden["grads"].keys {
            let grad = try #require(leaves[name]?.grad, "no gradient for \(name)")
            #expect(Golden.mismatch(grad, golden["grads"][name]) == nil, "gradient of \(name)")
        }
    }

    @Test(arguments: Precision.allCases)
    func matmulBiasReluCrossEntropy(precision: Precision) throws {
        let golden = cases(precision)["b1_matmul_bias_relu_cross_entropy"]
        let v = inputs(golden)
        let hidden = (v["X"]!.matmul(v["W"]!) + v["b"]!).relu()
        #expect(Golden.mismatch(hidden, golden["intermediate"]["relu_out"]) == nil)
        let loss = Tensor.crossEntropy(hidden, Golden.tensor(golden["target"]))
        #expect(loss.gradFn?.name == "NllLossBackward0")
        try check(loss, v, golden)
    }

    @Test(arguments: Precision.allCases)
    func tanhSigmoid(precision: Precision) throws {
        let golden = cases(precision)["b2_tanh_sigmoid"]
        let v = inputs(golden)
        let (a, w) = (v["a"]!, v["w"]!)
        try check(a.tanh() * w.sigmoid() + (a * w).sigmoid(), v, golden)
    }

    @Test(arguments: Precision.allCases)
    func expLog(precision: Precision) throws {
        let golden = cases(precision)["b3_exp_log"]
        let v = inputs(golden)
        let (a, b) = (v["a"]!, v["b"]!)
        try check((a.exp() + b * b).log() * (-0.5 * b).exp(), v, golden)
    }

    @Test(arguments: Precision.allCases)
    func sumAndMeanOverDims(precision: Precision) throws {
        let golden = cases(precision)["b4_sum_mean_over_dims"]
        let v = inputs(golden)
        let x = v["x"]!
        let reductions = golden["forward_reductions"]
        #expect(Golden.mismatch(x.sum(), reductions["sum_all"]) == nil)
        #expect(Golden.mismatch(try x.sum(dim: 0), reductions["sum_dim0"]) == nil)
        #expect(Golden.mismatch(try x.sum(dim: 1), reductions["sum_dim1"]) == nil)
        #expect(Golden.mismatch(try x.sum(dim: 2), reductions["sum_dim2"]) == nil)
        #expect(Golden.mismatch(try x.sum(dim: 2, keepdim: true), reductions["sum_dim2_keepdim"]) == nil)
        #expect(Golden.mismatch(x.mean(), reductions["mean_all"]) == nil)
        #expect(Golden.mismatch(try x.mean(dim: 1), reductions["mean_dim1"]) == nil)
        #expect(Golden.mismatch(try x.mean(dims: [1, 2]), reductions["mean_dims12"]) == nil)
        let (values, indices) = try x.max(dim: 2)
        #expect(Golden.mismatch(values, reductions["max_dim2_values"]) == nil)
        #expect(indices.int64Scalars == Golden.values(reductions["max_dim2_indices"]).map { Int64($0) })
        #expect(indices.dtype == .int64)
        #expect(try x.argmax(dim: 1).int64Scalars == Golden.values(reductions["argmax_dim1"]).map { Int64($0) })

        let loss = (try x.sum(dim: 0)).pow(2).mean() + (try x.mean(dims: [1, 2])).sum()
            + ((try x.sum(dim: 2, keepdim: true)) * x).sum() - x.mean()
        try check(loss, v, golden)
    }

    @Test(arguments: Precision.allCases)
    func broadcastAddMul(precision: Precision) throws {
        let golden = cases(precision)["b5_broadcast_add_mul"]
        let v = inputs(golden)
        let (a, b, c, d) = (v["a"]!, v["b"]!, v["c"]!, v["d"]!)
        try check((a + b) * c - d * a, v, golden)
    }

    @Test(arguments: Precision.allCases, ["softmax_dim1", "log_softmax_dim1", "softmax_dim0"])
    func softmaxHeads(precision: Precision, head: String) throws {
        let golden = cases(precision)["b6_softmax_log_softmax"]["heads"][head]
        let v = inputs(golden)
        let x = v["x"]!
        let out = switch head {
        case "softmax_dim1": try x.softmax(dim: 1)
        case "log_softmax_dim1": try x.logSoftmax(dim: 1)
        default: try x.softmax(dim: 0)
        }
        try check(out, v, golden)
    }

    @Test(arguments: Precision.allCases, ["mean", "sum", "none"])
    func mseLoss(precision: Precision, reduction: String) throws {
        let golden = cases(precision)["b7_mse_loss"]["reductions"][reduction]
        let v = inputs(golden)
        let squared = (v["pred"]! - v["target"]!).pow(2)
        let out = switch reduction {
        case "mean": squared.mean()
        case "sum": squared.sum()
        default: squared
        }
        try check(out, v, golden)
    }

    @Test(arguments: Precision.allCases)
    func reshapePermuteTransposeMatmul(precision: Precision) throws {
        let golden = cases(precision)["b8_reshape_permute_transpose_matmul"]
        let v = inputs(golden)
        let (x, w, vec) = (v["x"]!, v["W"]!, v["v"]!)
        let y = try x.permute([2, 0, 1]).reshape([4, 6]).matmul(w)
        let out = y.t().reshape([20]) * vec + (try x.transpose(0, 2)).reshape([-1])[0..<20]
        try check(out, v, golden)
    }

    @Test(arguments: Precision.allCases, ["relu", "clamp_min0", "abs", "max_all", "amax_all", "max_dim0_values", "sqrt_of_x_plus_1", "leaky_relu_0.01"])
    func kinksAndTies(precision: Precision, op: String) throws {
        let golden = cases(precision)["b9_extra_kinks_and_ties"]
        let x = Golden.tensor(golden["input"], requiresGrad: true)
        let out: Tensor = switch op {
        case "relu": x.relu()
        case "clamp_min0": x.clamp(min: 0)
        case "abs": x.abs()
        case "max_all", "amax_all": x.max()
        case "max_dim0_values": try x.max(dim: 0).values
        case "sqrt_of_x_plus_1": (x + 1).sqrt()
        default: x.leakyRelu(0.01)
        }
        let expected = golden["ops"][op]
        #expect(Golden.mismatch(out, expected["output"]) == nil)
        if out.count == 1 { try out.backward() } else { try out.backward(Tensor.onesLike(out)) }
        #expect(Golden.mismatch(x.grad!, expected["grad"]) == nil)
    }

    @Test(arguments: Precision.allCases)
    func fusedCrossEntropyReductions(precision: Precision) throws {
        let golden = precision.golden["c_cross_entropy_plain"]
        let target = Golden.tensor(golden["plain"]["target"])
        for reduction in Reduction.allCases {
            let expected = golden["plain"][precision.rawValue][reduction.rawValue]
            let logits = precision.tensor(shape: [4, 3], golden["logits"].flattened, requiresGrad: true)
            let loss = Tensor.crossEntropy(logits, target, reduction: reduction)
            #expect(Golden.mismatch(loss, expected["output"]) == nil, "\(reduction)")
            try loss.backward(reduction == .none ? Tensor.onesLike(loss) : nil)
            #expect(Golden.mismatch(logits.grad!, expected["grad_logits"]) == nil, "\(reduction)")
        }
    }

    @Test(arguments: Precision.allCases)
    func notebookLinearLayer(precision: Precision) throws {
        let golden = precision.golden["d_linear_2_1"]
        let weight = Golden.tensor(golden["weight"], requiresGrad: true)
        let bias = Golden.tensor(golden["bias"], requiresGrad: true)
        let out = Tensor.linear(Golden.tensor(golden["input"]), weight: weight, bias: bias)
        #expect(Golden.mismatch(out, golden["output"]) == nil)
        let dtypeSuffix = precision == .float64 ? ", dtype=torch.float64" : ""
        #expect(out.description == "tensor([[0.0219]]\(dtypeSuffix), grad_fn=<AddmmBackward0>)")
        try out.backward(Tensor.onesLike(out))
        #expect(Golden.mismatch(weight.grad!, golden["grad_weight"]) == nil)
        #expect(Golden.mismatch(bias.grad!, golden["grad_bias"]) == nil)
    }
}
