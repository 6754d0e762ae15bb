import Testing
import Tensors

/// `.grad` accumulates across backward calls, tensors used twice sum their gradients,
/// and the graph is freed unless retained.
@Suite struct AccumulationTests {
    @Test func gradAccumulatesUntilReset() throws {
        let w = Tensor([1.0, 2.0, 3.0], requiresGrad: true)
        for _ in 0..<3 { try (w * w).sum().backward() }
        #expect(w.grad!.scalars == [6, 12, 18])
        w.grad = nil
        try (w * w).sum().backward()
        #expect(w.grad!.scalars == [2, 4, 6])
        w.grad!.zero_()
        try w.sum().backward()
        #expect(w.grad!.scalars == [1, 1, 1])
    }

    @Test func accumulationIsInPlaceOnTheSameGradTensor() throws {
        let w = Tensor([1.0, 2.0], requiresGrad: true)
        try (3 * w).sum().backward()
        let first = w.grad!
        try (3 * w).sum().backward()
        #expect(w.grad === first)
        #expect(first.scalars == [6, 6])
    }

    @Test func tensorUsedTwiceSumsItsGradients() throws {
        let x = Tensor([2.0], requiresGrad: true)
        let y = x * x + x  // dy/dx = 2x + 1
        try y.sum().backward()
        #expect(x.grad!.scalars == [5])

        let a = Tensor([1.0, -2.0], requiresGrad: true)
        let shared = a * 3
        let z = (shared + shared * shared).sum()  // dz/da = 3 + 2·(3a)·3
        try z.backward()
        #expect(a.grad!.scalars == [21, -33])
    }

    @Test func leafGradientDoesNotAliasTheSeed() throws {
        let x = Tensor([1.0, 2.0], requiresGrad: true)
        let seed = Tensor([10.0, 20.0])
        try x.backward(seed)
        try x.backward(seed)
        #expect(x.grad!.scalars == [20, 40])
        #expect(seed.scalars == [10, 20])
    }

    @Test func passThroughGradientsAreNotShared() throws {
        // Both inputs of + receive the same output gradient; accumulating into one must not change the other.
        let a = Tensor([1.0], requiresGrad: true)
        let b = Tensor([1.0], requiresGrad: true)
        try (a + b).sum().backward()
        try (a * 5).sum().backward()
        #expect(a.grad!.scalars == [6])
        #expect(b.grad!.scalars == [1])
    }

    @Test func retainGraphAllowsRepeatedBackward() throws {
        let x = Tensor([3.0], requiresGrad: true)
        let y = x.pow(2).sum()
        try y.backward(retainGraph: true)
        try y.backward(retainGraph: true)
        try y.backward()
        #expect(x.grad!.scalars == [18])
        #expect(throws: TensorError.backwardTwice) { try y.backward() }
    }

    @Test func noGradRecordsNothingAndDetachCutsTheGraph() throws {
        let x = Tensor([1.0, 2.0], requiresGrad: true)
        let y = noGrad { x * 2 }
        #expect(!y.requiresGrad)
        #expect(y.gradFn == nil)
        #expect(isGradEnabled)
        let d = (x * 2).detach()
        #expect(!d.requiresGrad)
        #expect(d.isLeaf)
        let z = (x * d).sum()
        try z.backward()
        #expect(x.grad!.scalars == [2, 4])
    }

    @Test func nonLeafGradientsAreNotKept() throws {
        let x = Tensor([1.0], requiresGrad: true)
        let h = x * 2
        try (h * h).sum().backward()
        #expect(h.grad == nil)
        #expect(!h.isLeaf)
        #expect(x.grad!.scalars == [8])
    }

    @Test func gradFnNamesFollowPyTorch() {
        let x = Tensor([1.0, 2.0], requiresGrad: true)
        let m = Tensor([[1.0, 2.0], [3.0, 4.0]], requiresGrad: true)
        let cases: [(Tensor, String)] = [
            (x + x, "AddBackward0"), (x + 1, "AddBackward0"), (x - x, "SubBackward0"), (1 - x, "RsubBackward1"),
            (x * x, "MulBackward0"), (2 * x, "MulBackward0"), (x / x, "DivBackward0"), (-x, "NegBackward0"),
            (x.pow(2), "PowBackward0"), (x.exp(), "ExpBackward0"), (x.log(), "LogBackward0"),
            (x.sqrt(), "SqrtBackward0"), (x.abs(), "AbsBackward0"), (x.relu(), "ReluBackward0"),
            (x.sigmoid(), "SigmoidBackward0"), (x.tanh(), "TanhBackward0"), (x.sum(), "SumBackward0"),
            (x.mean(), "MeanBackward0"), (x.max(), "MaxBackward1"), (m.matmul(m), "MmBackward0"),
            (m.t(), "TBackward0"), (x[0], "SelectBackward0"), (x[0..<1], "SliceBackward0"),
            (m.reshape([4]), "ViewBackward0"), (x.clamp(min: 0), "ClampMinBackward0"),
            (Tensor.linear(m, weight: m, bias: x), "AddmmBackward0"),
        ]
        for (tensor, name) in cases {
            #expect(tensor.gradFn?.name == name)
        }
        #expect((try? m.softmax(dim: 1))?.gradFn?.name == "SoftmaxBackward0")
        #expect((try? m.logSoftmax(dim: 1))?.gradFn?.name == "LogSoftmaxBackward0")
        #expect((try? m.sum(dim: 0))?.gradFn?.name == "SumBackward1")
        #expect((try? m.mean(dim: 0))?.gradFn?.name == "MeanBackward1")
        #expect((try? m.max(dim: 0))?.values.gradFn?.name == "MaxBackward0")
        #expect((try? m.transpose(0, 1))?.gradFn?.name == "TransposeBackward0")
        #expect((try? m.permute([1, 0]))?.gradFn?.name == "PermuteBackward0")
        #expect((try? m.unsqueeze(0))?.gradFn?.name == "UnsqueezeBackward0")
        #expect((try? Tensor.cat([x, x]))?.gradFn?.name == "CatBackward0")
        #expect((try? Tensor.stack([x, x]))?.gradFn?.name == "StackBackward0")
    }

    /// F.linear's graph is PyTorch's: AddmmBackward0 (or MmBackward0 without bias) takes the
    /// weight through TBackward0, and the weight's gradient is still [out, in] and contiguous.
    @Test func linearTakesItsWeightThroughTBackward() throws {
        let input = Tensor([[1.0, 2.0, 3.0]], requiresGrad: true)
        let weight = Tensor([[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]], requiresGrad: true)
        let bias = Tensor([0.5, -0.5], requiresGrad: true)
        for (out, name) in [(Tensor.linear(input, weight: weight, bias: bias), "AddmmBackward0"),
                            (Tensor.linear(input, weight: weight, bias: nil), "MmBackward0")] {
            #expect(out.gradFn?.name == name)
            let transposed = out.gradFn?.inputTensors.last ?? nil
            #expect(transposed?.gradFn?.name == "TBackward0")
            #expect(transposed?.gradFn?.inputTensors.first??.isLeaf == true)
            weight.grad = nil
            try out.sum().backward()
            #expect(weight.grad?.shape == [2, 3] && weight.grad?.isContiguous == true)
            #expect(weight.grad?.scalars == [1, 2, 3, 1, 2, 3])
        }
    }
}
