import Testing
@testable import Tensors

/// `backward` one node at a time: the notebook's autograd cells, step by step, with the same
/// gradients, accumulation and errors as a whole `backward`.
struct BackwardStepperTests {
    @Test func theNotebooksFirstExpressionStepsNodeByNodeToPyTorchsGradients() throws {
        // y = 2*x0^3 + 2*x1^2 at x = [1, 2]: dy/dx = [6*x0^2, 4*x1] = [6, 8].
        let x = Tensor([1, 2] as [Float], requiresGrad: true)
        let y = (2 * x[0].pow(3) + 2 * x[1].pow(2))
        let stepper = try BackwardStepper(y)
        #expect(!stepper.isFinished && x.grad == nil)
        let first = try #require(stepper.step())
        #expect(first.name == "AddBackward0")
        #expect(first.outputGradient.item() == 1)
        var names = [first.name]
        while let step = stepper.step() { names.append(step.name) }
        #expect(stepper.isFinished)
        #expect(names.first == "AddBackward0" && names.contains("PowBackward0") && names.contains("MulBackward0"))
        #expect(names.filter { $0 == "SelectBackward0" }.count == 2, "\(names)")
        #expect(x.grad?.scalars == [6, 8])
        // Freed: a second backward throws PyTorch's error and leaves .grad alone.
        #expect(throws: TensorError.backwardTwice) { try y.backward() }
        #expect(x.grad?.scalars == [6, 8])
    }

    @Test func stepsGiveTheSameGradientsAsBackwardAndRetainGraphAccumulates() throws {
        func graph() -> (Tensor, Tensor) {
            let x = Tensor([0.5, -1, 2] as [Float], requiresGrad: true)
            return (x, 2 * x.pow(2))
        }
        let (a, ya) = graph()
        try ya.backward(Tensor.onesLike(ya), retainGraph: true)
        try ya.backward(a.detach())
        let (b, yb) = graph()
        try BackwardStepper(yb, gradient: Tensor.onesLike(yb), retainGraph: true).finish()
        let second = try BackwardStepper(yb, gradient: b.detach())
        #expect(second.steps.isEmpty && !second.isFinished)
        second.finish()
        #expect(b.grad?.scalars == a.grad?.scalars)
        // 4x·1 + 4x·x
        #expect(b.grad?.scalars == [2 + 1, -4 + 4, 8 + 16])
    }

    @Test func theGradientWaitingForANodeIsVisibleBeforeItRuns() throws {
        let w = Tensor([3] as [Float], requiresGrad: true)
        let hidden = w * 2
        let out = (hidden * hidden).sum()
        let stepper = try BackwardStepper(out)
        #expect(stepper.pendingGradient(of: out)?.item() == 1)
        stepper.step()  // SumBackward0
        stepper.step()  // MulBackward0 (hidden * hidden): both inputs are `hidden`
        #expect(stepper.pendingGradient(of: hidden)?.scalars == [12], "hidden = 6 from each side: 6 + 6")
        #expect(w.grad == nil)
        stepper.step()
        #expect(w.grad?.scalars == [24] && stepper.isFinished)
    }

    @Test func aLeafRootAccumulatesInOneStepAndAShapeMismatchThrowsBeforeAnyChange() throws {
        let leaf = Tensor([1, 2] as [Float], requiresGrad: true)
        let stepper = try BackwardStepper(leaf, gradient: Tensor([5, 6] as [Float]))
        #expect(stepper.step()?.name == "AccumulateGrad")
        #expect(stepper.step() == nil && leaf.grad?.scalars == [5, 6])
        #expect(throws: TensorError.self) { try BackwardStepper(leaf, gradient: Tensor([1] as [Float])) }
        #expect(leaf.grad?.scalars == [5, 6])
    }
}

/// Matrix products with a vector are one node each, named as PyTorch names them (checked with
/// PyTorch 2.x: `(w@x).grad_fn` is MvBackward0, `(x@x)` DotBackward0, `(x@w)` SqueezeBackward4).
struct VectorProductNodeTests {
    @Test func matrixTimesVectorIsMvBackward0WithTheOuterAndTransposedProducts() throws {
        let w = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6], requiresGrad: true)
        let x = Tensor([1, -1, 2] as [Float], requiresGrad: true)
        let y = w.matmul(x)
        #expect(y.gradFn?.name == "MvBackward0" && y.scalars == [5, 11])
        try y.backward(Tensor([1, 10] as [Float]))
        #expect(w.grad?.scalars == [1, -1, 2, 10, -10, 20])
        #expect(x.grad?.scalars == [41, 52, 63])
    }

    @Test func vectorDotVectorIsDotBackward0AndVectorTimesMatrixEndsInSqueezeBackward4() throws {
        let a = Tensor([1, 2] as [Float], requiresGrad: true), b = Tensor([3, 4] as [Float], requiresGrad: true)
        let dot = a.matmul(b)
        #expect(dot.gradFn?.name == "DotBackward0" && dot.item() == 11)
        try dot.backward()
        #expect(a.grad?.scalars == [3, 4] && b.grad?.scalars == [1, 2])
        let m = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4], requiresGrad: true)
        let row = a.matmul(m)
        #expect(row.gradFn?.name == "SqueezeBackward4" && row.shape == [2] && row.scalars == [7, 10])
        #expect(row.gradFn?.inputTensors.first??.gradFn?.name == "MmBackward0")
    }
}
