import Testing
import Tensors
import TestSupport

/// The study notebook's autograd cells (golden case `a_autograd_notebook`).
@Suite struct AutogradNotebookTests {
    let cases = Fixtures.golden["a_autograd_notebook"]

    @Test func scalarOutputBackward() throws {
        let x = Tensor.ones([2], requiresGrad: true)
        let y = 2 * x[0].pow(3) + 2 * x[1].pow(2)
        #expect(y.item() == 4)
        try y.backward()
        #expect(Golden.mismatch(x.grad!, cases["a1_poly_scalar"]["x_grad"]) == nil)
        #expect(x.grad!.description == "tensor([6., 4.])")
    }

    @Test func vectorBackwardWithGradientAccumulates() throws {
        let golden = cases["a2_vector_backward_accumulate"]
        let x = Tensor.arange(0, 6, requiresGrad: true)
        let y = 2 * x.pow(2)
        #expect(Golden.mismatch(y, golden["y"]) == nil)
        try y.backward(Tensor.onesLike(x), retainGraph: true)
        #expect(Golden.mismatch(x.grad!, golden["grad_after_first"]) == nil)
        #expect(x.grad!.description == "tensor([ 0.,  4.,  8., 12., 16., 20.])")
        try y.backward(x, retainGraph: true)
        #expect(Golden.mismatch(x.grad!, golden["grad_after_second"]) == nil)
        #expect(x.grad!.description == "tensor([  0.,   8.,  24.,  48.,  80., 120.])")
    }

    @Test func secondBackwardWithoutRetainGraphThrowsAndLeavesGradUnchanged() throws {
        let golden = cases["a3_second_backward_without_retain_graph"]
        let x = Tensor.arange(0, 6, requiresGrad: true)
        let y = 2 * x.pow(2)
        try y.backward(Tensor.onesLike(x))
        #expect(Golden.mismatch(x.grad!, golden["grad_after_first"]) == nil)
        let error = #expect(throws: TensorError.self) { try y.backward(Tensor.onesLike(x)) }
        #expect(error?.message == golden["error_message"].string)
        #expect(Golden.mismatch(x.grad!, golden["grad_after_failed_second"]) == nil)
    }

    @Test func secondScalarBackwardThrows() throws {
        let golden = cases["a3b_scalar_second_backward_without_retain_graph"]
        let x = Tensor.ones([2], requiresGrad: true)
        let y = 2 * x[0].pow(3) + 2 * x[1].pow(2)
        try y.backward()
        let error = #expect(throws: TensorError.self) { try y.backward() }
        #expect(error?.message == golden["error_message"].string)
        #expect(Golden.mismatch(x.grad!, golden["x_grad"]) == nil)
    }

    @Test func nonScalarBackwardWithoutGradientThrows() {
        let golden = cases["a4_nonscalar_backward_without_gradient"]
        let x = Tensor.arange(0, 6, requiresGrad: true)
        let y = 2 * x.pow(2)
        let error = #expect(throws: TensorError.self) { try y.backward() }
        #expect(error?.message == golden["error_message"].string)
        #expect(x.grad == nil)
    }

    @Test func backwardOutsideAnyGraphThrows() {
        let golden = cases["a5_backward_no_grad_fn"]
        let error = #expect(throws: TensorError.self) { try Tensor.arange(0, 3).sum().backward() }
        #expect(error?.message == golden["error_message"].string)
    }

    @Test func gradientOfWrongShapeThrows() {
        let x = Tensor.arange(0, 6, requiresGrad: true)
        let y = 2 * x
        let error = #expect(throws: TensorError.self) { try y.backward(Tensor.ones([3])) }
        #expect(error?.message.contains("Mismatch in shape") == true)
        #expect(x.grad == nil)
    }
}
