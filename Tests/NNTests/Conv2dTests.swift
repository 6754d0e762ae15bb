import Testing
import NN
import Tensors
import TestSupport

/// `Conv2d` and the conv parts of `nn.init` against PyTorch (golden cases `h_conv2d`
/// padding modes, `k_conv_init`, `m_errors`).
@Suite struct Conv2dTests {
    let golden = Fixtures.conv

    /// `nn.Conv2d(2, 3, 3, padding=p, padding_mode=m)` with the golden weights: output and
    /// gradients, in float32 and (converted with `double()`) float64.
    @Test(arguments: [("zeros", 2), ("reflect", 1), ("replicate", 2), ("circular", 2)], Precision.allCases)
    func paddingModesMatchPyTorch(_ mode: (name: String, padding: Int), _ precision: Precision) throws {
        let expected = golden["h_conv2d"]["padding_mode_\(mode.name)"][precision.rawValue]
        let conv = try Conv2d(
            2, 3, kernelSize: 3, padding: .explicit(Pair2d(mode.padding)),
            paddingMode: try #require(Conv2dPaddingMode(rawValue: mode.name)))
        if precision == .float64 { conv.double() }
        noGrad {
            _ = conv.weight.copy_(Golden.tensor(expected["weight"]))
            _ = conv.bias!.copy_(Golden.tensor(expected["bias"]))
        }
        let input = Golden.tensor(expected["input"], requiresGrad: true)
        let out = conv(input)
        #expect(out.dtype == precision.dtype)
        #expect(Golden.mismatch(out, expected["output"]) == nil, "\(mode): output")
        try out.backward(Golden.tensor(expected["grad_output"]))
        #expect(Golden.mismatch(try #require(input.grad), expected["grad_input"]) == nil, "\(mode): grad_input")
        #expect(Golden.mismatch(try #require(conv.weight.grad), expected["grad_weight"]) == nil, "\(mode): grad_weight")
        #expect(Golden.mismatch(try #require(conv.bias?.grad), expected["grad_bias"]) == nil, "\(mode): grad_bias")
    }

    /// PyTorch's repr leaves out every setting at its default except the stride.
    @Test func reprMatchesPyTorch() throws {
        #expect(try Conv2d(1, 16, kernelSize: 5, padding: 2).description == "Conv2d(1, 16, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))")
        #expect(try Conv2d(1, 16, kernelSize: 5, stride: [2, 1], padding: 2, dilation: 2, bias: false, paddingMode: .reflect).description
                == "Conv2d(1, 16, kernel_size=(5, 5), stride=(2, 1), padding=(2, 2), dilation=(2, 2), bias=False, padding_mode=reflect)")
        #expect(try Conv2d(4, 16, kernelSize: [3, 5], padding: .same, groups: 2).description
                == "Conv2d(4, 16, kernel_size=(3, 5), stride=(1, 1), padding=same, groups=2)")
        #expect(try Conv2d(4, 16, kernelSize: 3, padding: .valid).description == "Conv2d(4, 16, kernel_size=(3, 3), stride=(1, 1), padding=valid)")
        #expect(try Conv2d(4, 16, kernelSize: 3).description == "Conv2d(4, 16, kernel_size=(3, 3), stride=(1, 1))")
        #expect(try Conv2d(4, 16, kernelSize: 3, padding: [0, 1]).description == "Conv2d(4, 16, kernel_size=(3, 3), stride=(1, 1), padding=(0, 1))")
        let net = Sequential(try Conv2d(1, 4, kernelSize: 3), ReLU())
        #expect(net.description == "Sequential(\n  (0): Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1))\n  (1): ReLU()\n)")
    }

    /// Parameters are `weight` [out, in/groups, kH, kW] and `bias`, under the module's prefix.
    @Test func parameterNamesAndShapes() throws {
        let net = Sequential(try Conv2d(4, 6, kernelSize: [3, 2], groups: 2), ReLU(), try Conv2d(6, 2, kernelSize: 1, bias: false))
        #expect(net.stateDict().keys == ["0.weight", "0.bias", "2.weight"])
        #expect(net.stateDict()["0.weight"]?.shape == [6, 2, 3, 2])
        #expect(net.stateDict()["2.weight"]?.shape == [2, 6, 1, 1])
        #expect(net(Tensor.zeros([2, 4, 5, 5])).shape == [2, 2, 3, 4])
    }

    /// `same` with an even kernel pads the extra row/column at the bottom/right in every mode.
    @Test(arguments: Conv2dPaddingMode.allCases)
    func samePaddingKeepsTheSize(_ mode: Conv2dPaddingMode) throws {
        let conv = try Conv2d(2, 4, kernelSize: 4, padding: .same, paddingMode: mode)
        #expect(conv.paddingSides == (1, 2, 1, 2))
        #expect(conv(Tensor.randn([1, 2, 6, 7])).shape == [1, 4, 6, 7])
    }

    /// PyTorch's messages (`m_errors`) for settings that do not fit together.
    @Test func errorTexts() {
        let errors = golden["m_errors"]
        func message(_ body: () throws -> Conv2d) -> String? {
            do { _ = try body(); return nil } catch { return (error as? TensorError)?.message ?? "\(error)" }
        }
        #expect(message { try Conv2d(3, 4, kernelSize: 3, groups: 2) } == errors["conv_groups_not_divisible"]["message"].string)
        #expect(message { try Conv2d(1, 1, kernelSize: 3, stride: 2, padding: .same) } == errors["conv_same_with_stride"]["message"].string)
        #expect(message { try Conv2d(2, 3, kernelSize: 3, groups: 2) } == "out_channels must be divisible by groups")
        #expect(message { try Conv2d(2, 2, kernelSize: 3, groups: 0) } == "groups must be a positive integer")
        let conv = try? Conv2d(2, 3, kernelSize: 3)
        #expect(throws: TensorError.self) { try conv?.convolve(Tensor.zeros([1, 3, 5, 5])) }
        // PyTorch's texts for borders too wide for the mode (reflect: < size; circular: <= size).
        let reflect = try? Conv2d(2, 3, kernelSize: 3, padding: 6, paddingMode: .reflect)
        #expect(throws: TensorError("Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (6, 6) at dimension 3 of input [1, 2, 6, 6]")) {
            try reflect?.convolve(Tensor.zeros([1, 2, 6, 6]))
        }
        #expect((try? reflect?.convolve(Tensor.zeros([1, 2, 7, 7]))) != nil)
        let circular = try? Conv2d(2, 3, kernelSize: 3, padding: 7, paddingMode: .circular)
        #expect(throws: TensorError("Padding value causes wrapping around more than once.")) {
            try circular?.convolve(Tensor.zeros([1, 2, 6, 6]))
        }
        #expect((try? circular?.convolve(Tensor.zeros([1, 2, 7, 7]))) != nil)
    }

    /// `dirac_` on 3-, 4- and 5-D weights, groups 1 and 2: exactly PyTorch's tensors.
    @Test(arguments: [
        ("dirac_6x3x3x3_g1", 1), ("dirac_4x2x3x3_g2", 2), ("dirac_4x4x3_g1", 1), ("dirac_2x2x3x3x3_g1", 1), ("dirac_3x5x3x3_g1", 1),
    ])
    func diracMatchesPyTorch(_ name: String, _ groups: Int) throws {
        let expected = golden["k_conv_init"][name]
        let weight = Tensor.randn(Golden.shapeOf(expected))
        try Init.dirac_(weight, groups: groups)
        #expect(weight.scalars == Golden.values(expected).map { Float($0) })
    }

    /// A dirac-initialised conv with `same` padding passes its input through unchanged.
    @Test func diracConvolutionIsIdentity() throws {
        let conv = try Conv2d(3, 3, kernelSize: 3, padding: .same, bias: false)
        try Init.dirac_(conv.weight)
        let x = Tensor.randn([2, 3, 4, 5])
        #expect(conv(x).scalars == x.scalars)
    }

    /// Fan-in and fan-out of conv weights, exactly.
    @Test func fansMatchPyTorch() throws {
        let fans = golden["k_conv_init"]["fans"]
        for key in fans.keys {
            let shape = key.split(separator: "x").map { Int($0)! }
            let fan = try Fan(shape: shape)
            #expect(fan.fanIn == Int(fans[key]["fan_in"].double!), "\(key)")
            #expect(fan.fanOut == Int(fans[key]["fan_out"].double!), "\(key)")
        }
    }

    /// The default Conv2d bounds are PyTorch's double-precision values exactly (one rounding to
    /// Float when drawing), and every drawn value lies inside them.
    @Test(arguments: [
        ("Conv2d(1,16,5,groups=1)", 1, 16, 5, 1), ("Conv2d(16,32,5,groups=1)", 16, 32, 5, 1), ("Conv2d(4,6,3,groups=2)", 4, 6, 3, 2),
    ])
    func defaultInitBoundsMatchPyTorch(_ key: String, _ inChannels: Int, _ outChannels: Int, _ kernel: Int, _ groups: Int) throws {
        let expected = golden["k_conv_init"]["default_conv_bounds"][key]
        let conv = try Conv2d(inChannels, outChannels, kernelSize: Pair2d(kernel), groups: groups, generator: Generator(seed: 5))
        let weightBound = 3.0.squareRoot() * (try Init.kaimingStd(shape: conv.weight.shape, a: Init.linearDefaultSlope))
        #expect(weightBound == expected["weight_bound"].double!)
        #expect(try InitMethod.pytorchDefault.spread(for: conv.weight.shape) == .uniform(bound: expected["weight_bound"].double!))
        let fanIn = try Fan(shape: conv.weight.shape).fanIn
        #expect(Init.linearBiasBound(fanIn: fanIn) == expected["bias_bound"].double!)
        let (wb, bb) = (Float(expected["weight_bound"].double!), Float(expected["bias_bound"].double!))
        #expect(conv.weight.scalars.allSatisfy { abs($0) <= wb })
        #expect(conv.bias!.scalars.allSatisfy { abs($0) <= bb })
    }

    /// The fix of issue 13: the default Linear bound is PyTorch's, not one float32 ulp narrower
    /// (√5 and the gain were rounded to Float before).
    @Test func linearDefaultBoundIsPyTorchsExactly() throws {
        let inits = Fixtures.golden["e_init"]["shapes"]
        for (name, shape) in [("linear_784_to_256_weight", [256, 784]), ("conv_16x3x5x5_weight", [16, 3, 5, 5])] {
            let high = inits[name]["inits"]["kaiming_uniform_(a=sqrt(5), mode='fan_in', nonlinearity='leaky_relu')"]["high"].double!
            let bound = 3.0.squareRoot() * (try Init.kaimingStd(shape: shape, a: Init.linearDefaultSlope))
            #expect(bound == high, "\(name)")
            #expect(Float(bound) == Float(high), "\(name)")
        }
        let layer = Linear(784, 256, generator: Generator(seed: 3))
        #expect(layer.weight.scalars.allSatisfy { abs($0) <= Float(1.0 / 28) })
    }
}
