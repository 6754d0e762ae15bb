import Testing
import NN
import Tensors
import TestSupport

/// nn.init: gains, fans and bounds against PyTorch; each method's values against its formula.
@Suite struct InitTests {
    let golden = Fixtures.golden["e_init"]

    @Test func gainsMatchPyTorch() throws {
        let gains = golden["gains"]
        let cases: [(String, Nonlinearity, Double?)] = [
            ("linear", .linear, nil), ("conv1d", .conv1d, nil), ("conv2d", .conv2d, nil), ("conv3d", .conv3d, nil),
            ("conv_transpose2d", .convTranspose2d, nil), ("sigmoid", .sigmoid, nil), ("tanh", .tanh, nil),
            ("relu", .relu, nil), ("leaky_relu", .leakyRelu, nil), ("leaky_relu(0.01)", .leakyRelu, 0.01),
            ("leaky_relu(sqrt(5))", .leakyRelu, 5.0.squareRoot()), ("leaky_relu(0.2)", .leakyRelu, 0.2), ("selu", .selu, nil),
        ]
        for (key, nonlinearity, param) in cases {
            #expect(abs(Init.calculateGain(nonlinearity, param: param) - gains[key].double!) < 1e-12, "\(key)")
        }
        #expect(throws: InitError.self) { try Nonlinearity(name: "swish") }
        #expect(try Nonlinearity(name: "leaky_relu") == .leakyRelu)
    }

    @Test(arguments: ["linear_784_to_256_weight", "conv_16x3x5x5_weight"])
    func fansAndBoundsMatchPyTorch(shapeName: String) throws {
        let spec = golden["shapes"][shapeName]
        let shape = spec["shape"].flattened.map { Int($0) }
        let fan = try Fan(shape: shape)
        #expect(fan.fanIn == Int(spec["fan_in"].double!))
        #expect(fan.fanOut == Int(spec["fan_out"].double!))
        let root5 = Float(5.0.squareRoot())
        let relu = Nonlinearity.relu, leaky = Nonlinearity.leakyRelu
        let methods: [String: InitMethod] = [
            "xavier_uniform_(gain=1)": .xavierUniform(gain: 1),
            "xavier_uniform_(gain=calculate_gain('relu'))": .xavierUniform(gain: Float(relu.gain())),
            "xavier_normal_(gain=1)": .xavierNormal(gain: 1),
            "kaiming_uniform_(a=0, mode='fan_in', nonlinearity='relu')": .kaimingUniform(a: 0, mode: .fanIn, nonlinearity: relu),
            "kaiming_uniform_(a=0, mode='fan_out', nonlinearity='relu')": .kaimingUniform(a: 0, mode: .fanOut, nonlinearity: relu),
            "kaiming_uniform_(a=0, mode='fan_in', nonlinearity='leaky_relu')": .kaimingUniform(a: 0, mode: .fanIn, nonlinearity: leaky),
            "kaiming_uniform_(a=0, mode='fan_out', nonlinearity='leaky_relu')": .kaimingUniform(a: 0, mode: .fanOut, nonlinearity: leaky),
            "kaiming_uniform_(a=0.01, mode='fan_in', nonlinearity='leaky_relu')": .kaimingUniform(a: 0.01, mode: .fanIn, nonlinearity: leaky),
            "kaiming_uniform_(a=sqrt(5), mode='fan_in', nonlinearity='leaky_relu')": .kaimingUniform(a: root5, mode: .fanIn, nonlinearity: leaky),
            "kaiming_uniform_(a=sqrt(5), mode='fan_out', nonlinearity='leaky_relu')": .kaimingUniform(a: root5, mode: .fanOut, nonlinearity: leaky),
            "kaiming_normal_(a=0, mode='fan_in', nonlinearity='relu')": .kaimingNormal(a: 0, mode: .fanIn, nonlinearity: relu),
            "kaiming_normal_(a=0, mode='fan_out', nonlinearity='relu')": .kaimingNormal(a: 0, mode: .fanOut, nonlinearity: relu),
            "kaiming_normal_(a=0, mode='fan_in', nonlinearity='leaky_relu')": .kaimingNormal(a: 0, mode: .fanIn, nonlinearity: leaky),
            "kaiming_normal_(a=0, mode='fan_out', nonlinearity='leaky_relu')": .kaimingNormal(a: 0, mode: .fanOut, nonlinearity: leaky),
            "kaiming_normal_(a=0.01, mode='fan_in', nonlinearity='leaky_relu')": .kaimingNormal(a: 0.01, mode: .fanIn, nonlinearity: leaky),
            "kaiming_normal_(a=sqrt(5), mode='fan_in', nonlinearity='leaky_relu')": .kaimingNormal(a: root5, mode: .fanIn, nonlinearity: leaky),
            "kaiming_normal_(a=sqrt(5), mode='fan_out', nonlinearity='leaky_relu')": .kaimingNormal(a: root5, mode: .fanOut, nonlinearity: leaky),
            "kaiming_uniform_() defaults (a=0, mode='fan_in', nonlinearity='leaky_relu')": .kaimingUniform(a: 0, mode: .fanIn, nonlinearity: leaky),
        ]
        let inits = spec["inits"]
        #expect(Set(inits.keys) == Set(methods.keys))
        for key in inits.keys {
            let expected = inits[key]
            let spread = try methods[key]!.spread(for: shape)
            // a = √5 is rounded to float32 as an argument, so compare at float32 precision.
            switch spread {
            case .uniform(let bound):
                #expect(expected["fn"].string == "uniform_", "\(key)")
                #expect(Golden.isClose(Float(bound), expected["high"].double!, absolute: 1e-7, relative: 1e-6), "\(key)")
            case .normal(let mean, let std):
                #expect(expected["fn"].string == "normal_", "\(key)")
                #expect(mean == expected["mean"].double!)
                #expect(Golden.isClose(Float(std), expected["std"].double!, absolute: 1e-7, relative: 1e-6), "\(key)")
            default:
                Issue.record("unexpected spread \(spread) for \(key)")
            }
        }
    }

    /// The sample std of a tensor's values.
    func std(_ t: Tensor) -> Float { ((t - t.mean()).pow(2).mean()).sqrt().item() }

    @Test func drawnValuesFollowTheFormulas() throws {
        let g = Generator(seed: 11)
        let w = Tensor.zeros([256, 784])
        try Init.xavierUniform_(w, generator: g)
        let xavierBound = Float((6.0 / (256 + 784)).squareRoot())
        #expect(w.max().item() <= xavierBound && w.max().item() > 0.99 * xavierBound)
        #expect(w.min().item() >= -xavierBound)
        try Init.kaimingNormal_(w, mode: .fanIn, nonlinearity: .relu, generator: g)
        #expect(abs(std(w) - Float(2.0.squareRoot() / 28)) < 0.001)
        try Init.xavierNormal_(w, gain: 2, generator: g)
        #expect(abs(std(w) - Float(2 * (2.0 / 1040).squareRoot())) < 0.001)
        Init.uniform_(w, a: -3, b: -1, generator: g)
        #expect(w.min().item() >= -3 && w.max().item() < -1)
        Init.normal_(w, mean: 5, std: 0.5, generator: g)
        #expect(abs(w.mean().item() - 5) < 0.01 && abs(std(w) - 0.5) < 0.01)
        Init.constant_(w, 0.25)
        #expect(w.min().item() == 0.25 && w.max().item() == 0.25)
        Init.ones_(w)
        #expect(w.sum().item() == Float(256 * 784))
        Init.zeros_(w)
        #expect(w.abs().max().item() == 0)
    }

    @Test func truncatedNormalStaysInBounds() throws {
        let g = Generator(seed: 12)
        let t = Tensor.zeros([20_000])
        try Init.truncNormal_(t, generator: g)
        #expect(t.min().item() >= -2 && t.max().item() <= 2)
        // N(0,1) truncated to ±2 has std ≈ 0.8796.
        #expect(abs(std(t) - 0.8796) < 0.02)
        try Init.truncNormal_(t, mean: 0, std: 1, a: 2.5, b: 3, generator: g)  // kept mass < 0.3: uniform proposals
        #expect(t.min().item() >= 2.5 && t.max().item() <= 3)
        #expect(t.mean().item() < 2.75)
        #expect(throws: InitError.self) { try Init.truncNormal_(t, a: 1, b: 0) }
    }

    /// fuzz: `--init trunc-normal:mean=0,std=0.001,a=1,b=2` ran for ever (rejection sampling
    /// of a range 1000 stds out). The inverse-CDF method makes one draw per element.
    @Test func truncatedNormalFarOutInATailEnds() throws {
        let t = Tensor.zeros([256, 784])
        try Init.truncNormal_(t, mean: 0, std: 0.001, a: 1, b: 2, generator: Generator(seed: 3))
        #expect(t.min().item() >= 1 && t.max().item() <= 2)
    }

    /// The inverse CDF is exact enough in the body and in a tail: sample means against the
    /// truncated normal's mean (φ(a) − φ(b)) / (Φ(b) − Φ(a)).
    @Test(arguments: [(Float(0), Float(1), 0.459862), (Float(3), Float(4), 3.260454), (Float(-1), Float(0.5), -0.206631)])
    func truncatedNormalMeanMatchesTheDistribution(a: Float, b: Float, mean: Double) throws {
        let t = Tensor.zeros([40_000])
        try Init.truncNormal_(t, mean: 0, std: 1, a: a, b: b, generator: Generator(seed: 5))
        #expect(t.min().item() >= a && t.max().item() <= b)
        #expect(abs(Double(t.mean().item()) - mean) < 0.01)
    }

    @Test func eyeAndDirac() throws {
        let e = Tensor.zeros([2, 3])
        try Init.eye_(e)
        #expect(e.scalars == [1, 0, 0, 0, 1, 0])
        #expect(throws: InitError.self) { try Init.eye_(Tensor.zeros([2, 2, 2])) }

        let conv = Tensor.zeros([4, 2, 3])
        try Init.dirac_(conv, groups: 2)
        // Two groups of 2 output channels, each keeping input channels 0 and 1 at the centre tap.
        let ones = conv.scalars.enumerated().filter { $0.element == 1 }.map(\.offset)
        #expect(ones == [1, 10, 13, 22])
        let conv2d = Tensor.zeros([3, 3, 3, 3])
        try Init.dirac_(conv2d)
        #expect(conv2d.sum().item() == 3)
        #expect(conv2d[1, 1, 1, 1].item() == 1)
        #expect(throws: InitError.self) { try Init.dirac_(Tensor.zeros([3, 3])) }
        #expect(throws: InitError.self) { try Init.dirac_(Tensor.zeros([3, 3, 3]), groups: 2) }
    }

    @Test(arguments: [[6, 4], [4, 6], [5, 2, 3]])
    func orthogonalRowsOrColumnsAreOrthonormal(shape: [Int]) throws {
        let t = Tensor.zeros(shape)
        try Init.orthogonal_(t, gain: 2, generator: Generator(seed: 13))
        let m = t.reshape([shape[0], -1])
        // The smaller Gram matrix is 4·I (gain²).
        let gram = m.shape[0] < m.shape[1] ? m.matmul(m.t()) : m.t().matmul(m)
        let n = gram.shape[0]
        for i in 0..<n {
            for j in 0..<n {
                #expect(abs(gram[i, j].item() - (i == j ? 4 : 0)) < 1e-4)
            }
        }
        #expect(throws: InitError.self) { try Init.orthogonal_(Tensor.zeros([5])) }
    }

    @Test func sparseZeroesAFractionOfEveryColumn() throws {
        let t = Tensor.zeros([10, 7])
        try Init.sparse_(t, sparsity: 0.25, std: 0.5, generator: Generator(seed: 14))
        for col in 0..<7 {
            let column = t.slice(1, col..<(col + 1)).scalars
            #expect(column.filter { $0 == 0 }.count == 3)  // ⌈0.25 · 10⌉
        }
        #expect(throws: InitError.self) { try Init.sparse_(Tensor.zeros([2, 2, 2]), sparsity: 0.1) }
    }

    @Test func fanNeedsTwoDimensions() {
        let error = #expect(throws: InitError.self) { try Init.xavierUniform_(Tensor.zeros([5])) }
        #expect(error?.message.hasPrefix("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions") == true)
        #expect(throws: InitError.self) { try Init.kaimingNormal_(Tensor.zeros([5])) }
    }

    @Test func seededInitIsReproducible() throws {
        let a = Tensor.zeros([8, 8]), b = Tensor.zeros([8, 8])
        for method in InitMethod.allWithDefaults where method != .dirac(groups: 1) {
            try method.apply(to: a, fanIn: 8, generator: Generator(seed: 5))
            try method.apply(to: b, fanIn: 8, generator: Generator(seed: 5))
            #expect(a.scalars == b.scalars, "\(method)")
        }
        #expect(InitMethod.normal(mean: 0, std: 0.01).description == "normal_(mean=0.0, std=0.01)")
        #expect(InitMethod.kaimingUniform(a: 0, mode: .fanIn, nonlinearity: .leakyRelu).description
                == "kaiming_uniform_(a=0.0, mode='fan_in', nonlinearity='leaky_relu')")
    }
}
