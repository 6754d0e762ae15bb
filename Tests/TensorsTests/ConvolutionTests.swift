import Testing
import Tensors
import TestSupport

/// `Tensor.conv2d` against PyTorch's `F.conv2d` (golden case `h_conv2d`), its error texts
/// (`m_errors`) and finite differences.
@Suite struct ConvolutionTests {
    /// The arguments of each golden `F.conv2d` call (the case's `call` string, as Swift).
    static let calls: [String: (stride: Pair2d, padding: Conv2dPadding, dilation: Pair2d, groups: Int)] = [
        "basic": (1, 0, 1, 1),
        "stride2_pad1": (2, 1, 1, 1),
        "dilation2": (1, 2, 2, 1),
        "groups2": (1, 1, 1, 2),
        "depthwise": (1, 1, 1, 3),
        "rect_kernel": ([2, 1], [1, 0], 1, 1),
        "same_k5": (1, .same, 1, 1),
        "valid_1x1": (1, .valid, 1, 1),
        "no_bias": (1, 2, 1, 1),
    ]

    /// Runs one golden case forward and backward and compares output and every gradient.
    func checkGolden(_ name: String, precision: Precision = .float32) throws {
        let golden = Fixtures.conv["h_conv2d"][name][precision.rawValue]
        let args = try #require(Self.calls[name])
        let input = Golden.tensor(golden["input"], requiresGrad: true)
        let weight = Golden.tensor(golden["weight"], requiresGrad: true)
        let bias: Tensor? = golden.has("bias") ? Golden.tensor(golden["bias"], requiresGrad: true) : nil
        let out = try Tensor.conv2d(
            input, weight: weight, bias: bias, stride: args.stride, padding: args.padding,
            dilation: args.dilation, groups: args.groups)
        #expect(out.gradFn?.name == "ConvolutionBackward0")
        #expect(out.dtype == precision.dtype)
        #expect(Golden.mismatch(out, golden["output"]) == nil, "\(name): output")
        try out.backward(Golden.tensor(golden["grad_output"]))
        #expect(Golden.mismatch(try #require(input.grad), golden["grad_input"]) == nil, "\(name): grad_input")
        #expect(Golden.mismatch(try #require(weight.grad), golden["grad_weight"]) == nil, "\(name): grad_weight")
        if let bias {
            #expect(Golden.mismatch(try #require(bias.grad), golden["grad_bias"]) == nil, "\(name): grad_bias")
        }
    }

    @Test(arguments: ["basic", "stride2_pad1", "dilation2", "groups2", "depthwise", "rect_kernel", "same_k5", "valid_1x1", "no_bias"],
          Precision.allCases)
    func matchesPyTorch(_ name: String, precision: Precision) throws {
        try checkGolden(name, precision: precision)
    }

    @Test(arguments: ["basic", "groups2", "same_k5", "valid_1x1", "no_bias"])
    func matchesPyTorchWithDeterministicKernel(_ name: String) throws {
        try withDeterministicAlgorithms { try checkGolden(name) }
    }

    @Test func everyGoldenCaseIsCovered() {
        #expect(Set(Fixtures.conv["h_conv2d"].keys) == Set(Self.calls.keys))
    }

    /// PyTorch's messages (`m_errors`) for arguments that do not fit together.
    @Test func errorTexts() {
        let errors = Fixtures.conv["m_errors"]
        func message(_ body: () throws -> Tensor) -> String? {
            do { _ = try body(); return nil } catch { return (error as? TensorError)?.message ?? "\(error)" }
        }
        #expect(message { try Tensor.conv2d(Tensor.zeros([1, 3, 5, 5]), weight: Tensor.zeros([4, 2, 3, 3])) }
                == errors["conv_channel_mismatch"]["message"].string)
        #expect(message { try Tensor.conv2d(Tensor.zeros([1, 1, 2, 2]), weight: Tensor.zeros([1, 1, 3, 3])) }
                == errors["conv_kernel_too_big"]["message"].string)
        #expect(message { try Tensor.conv2d(Tensor.zeros([5, 5]), weight: Tensor.zeros([1, 1, 3, 3])) }
                == errors["conv_3d_input_missing_channel"]["message"].string)
        #expect(message { try Tensor.conv2d(Tensor.zeros([1, 1, 5, 5]), weight: Tensor.zeros([1, 1, 3, 3]), stride: 2, padding: .same) }
                == errors["conv_same_with_stride"]["message"].string)
        #expect(message { try Tensor.conv2d(Tensor.zeros([1, 4, 5, 5]), weight: Tensor.zeros([3, 2, 3, 3]), groups: 2) }
                == "Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [3, 2, 3, 3] instead")
        #expect(message { try Tensor.conv2d(Tensor.zeros([1, 1, 5, 5]), weight: Tensor.zeros([2, 1, 3, 3]), bias: Tensor.zeros([3])) }
                == "Given weight of size [2, 1, 3, 3], expected bias to be 1-dimensional with 2 elements, but got bias of size [3] instead")
        // The dilated kernel is what must fit: 3×3 at dilation 2 spans 5.
        #expect(message { try Tensor.conv2d(Tensor.zeros([1, 1, 4, 6]), weight: Tensor.zeros([1, 1, 3, 3]), dilation: 2) }
                == "Calculated padded input size per channel: (4 x 6). Kernel size: (5 x 5). Kernel size can't be greater than actual input size")
        #expect(message { try Tensor.conv2d(Tensor.zeros([1, 1, 5, 5]), weight: Tensor.zeros([1, 1, 3, 3]), stride: 0) } != nil)
        #expect(message { try Tensor.conv2d(Tensor.zeros([1, 1, 5, 5]), weight: Tensor.zeros([1, 1, 3, 3]), padding: -1) } != nil)
    }

    /// Output sizes follow ⌊(H + 2p − d(k − 1) − 1) / s⌋ + 1; `same` keeps the size, also for even kernels.
    @Test func outputShapes() throws {
        let x = Tensor.zeros([2, 3, 11, 8])
        #expect(try Tensor.conv2d(x, weight: Tensor.zeros([5, 3, 3, 3]), stride: 2, padding: 1).shape == [2, 5, 6, 4])
        #expect(try Tensor.conv2d(x, weight: Tensor.zeros([5, 3, 4, 2]), padding: .same).shape == [2, 5, 11, 8])
        #expect(try Tensor.conv2d(x, weight: Tensor.zeros([5, 3, 4, 4]), padding: .same, dilation: [2, 3]).shape == [2, 5, 11, 8])
        #expect(try Tensor.conv2d(x, weight: Tensor.zeros([5, 3, 3, 3]), stride: [3, 2], dilation: [2, 1]).shape == [2, 5, 3, 3])
        #expect(try Tensor.conv2d(Tensor.zeros([3, 11, 8]), weight: Tensor.zeros([5, 3, 3, 3])).shape == [5, 9, 6])
    }

    /// Only the inputs that require a gradient get one (a first layer's input gets none).
    @Test func gradientsOnlyWhereNeeded() throws {
        let x = randomInput([2, 2, 5, 5], seed: 1)
        let w = randomInput([3, 2, 3, 3], seed: 2).requiresGrad_()
        let b = Tensor.zeros([3])
        try Tensor.conv2d(x, weight: w, bias: b, padding: 1).sum().backward()
        #expect(x.grad == nil && b.grad == nil)
        #expect(w.grad?.shape == [3, 2, 3, 3])
        #expect(try Tensor.conv2d(x, weight: w.detach()).gradFn == nil)
    }

    /// An even kernel with `same` padding puts the odd extra row/column at the bottom/right, as PyTorch.
    @Test func samePaddingWithEvenKernelPadsBottomRight() throws {
        // A 2×2 kernel with a single 1 at the top-left copies the input: output[i, j] = input[i, j].
        let x = Tensor(shape: [1, 1, 2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let w = Tensor(shape: [1, 1, 2, 2], scalars: [1, 0, 0, 0])
        #expect(try Tensor.conv2d(x, weight: w, padding: .same).scalars == [1, 2, 3, 4, 5, 6])
    }

    /// Autograd's gradients of input, weight and bias against central finite differences, for every option.
    @Test(arguments: [
        ("plain", [2, 3, 5, 4], [2, 3, 3, 3], Pair2d(1), Conv2dPadding.explicit(0), Pair2d(1), 1, true),
        ("stride and padding", [1, 2, 6, 5], [3, 2, 3, 3], Pair2d(2), Conv2dPadding.explicit(1), Pair2d(1), 1, true),
        ("rectangular", [1, 2, 6, 5], [2, 2, 3, 2], Pair2d(2, 1), Conv2dPadding.explicit(Pair2d(1, 0)), Pair2d(1), 1, true),
        ("dilation", [1, 1, 7, 6], [2, 1, 3, 2], Pair2d(1), Conv2dPadding.explicit(1), Pair2d(2, 1), 1, true),
        ("groups", [1, 4, 4, 4], [4, 2, 3, 3], Pair2d(1), Conv2dPadding.explicit(1), Pair2d(1), 2, true),
        ("depthwise", [2, 3, 4, 4], [6, 1, 3, 3], Pair2d(1), Conv2dPadding.explicit(1), Pair2d(1), 3, true),
        ("same, even kernel", [1, 2, 5, 4], [2, 2, 4, 2], Pair2d(1), Conv2dPadding.same, Pair2d(1), 1, true),
        ("same, dilated", [1, 1, 5, 5], [1, 1, 3, 3], Pair2d(1), Conv2dPadding.same, Pair2d(2), 1, false),
        ("valid 1×1", [2, 3, 3, 2], [2, 3, 1, 1], Pair2d(1), Conv2dPadding.valid, Pair2d(1), 1, true),
        ("1×1 strided", [1, 2, 5, 5], [2, 2, 1, 1], Pair2d(2), Conv2dPadding.explicit(1), Pair2d(1), 1, false),
        ("no bias", [1, 2, 4, 4], [2, 2, 2, 2], Pair2d(1), Conv2dPadding.explicit(0), Pair2d(1), 1, false),
    ])
    func gradientsMatchFiniteDifferences(
        _ label: String, _ inputShape: [Int], _ weightShape: [Int], _ stride: Pair2d, _ padding: Conv2dPadding,
        _ dilation: Pair2d, _ groups: Int, _ hasBias: Bool
    ) throws {
        var inputs = [randomInput(inputShape, seed: 3), randomInput(weightShape, seed: 4)]
        if hasBias { inputs.append(randomInput([weightShape[0]], seed: 5)) }
        try expectGradientsMatchFiniteDifferences(inputs) { t in
            try Tensor.conv2d(
                t[0], weight: t[1], bias: hasBias ? t[2] : nil, stride: stride, padding: padding,
                dilation: dilation, groups: groups)
        }
    }

    /// The unbatched [C, H, W] form gives the batched result's single image and its gradient.
    @Test func unbatchedInputGradients() throws {
        try expectGradientsMatchFiniteDifferences([randomInput([2, 4, 4], seed: 6), randomInput([3, 2, 3, 3], seed: 7)]) { t in
            try Tensor.conv2d(t[0], weight: t[1], padding: 1)
        }
    }

    /// A strided (non-contiguous) input gives the same result as its contiguous copy.
    @Test func nonContiguousInput() throws {
        let x = randomInput([1, 2, 5, 6], seed: 8)
        let w = randomInput([2, 2, 3, 3], seed: 9)
        let view = try x.transpose(2, 3)
        let a = try Tensor.conv2d(view, weight: w, padding: 1)
        let b = try Tensor.conv2d(view.contiguous(), weight: w, padding: 1)
        #expect(a.scalars == b.scalars)
    }
}
