import Testing
import Tensors

/// Bad arguments: thrown errors for what PyTorch raises at run time,
/// and traps that name both shapes for shape mistakes in an op.
@Suite struct ErrorTests {
    @Test func dimOutOfRangeThrowsPyTorchsMessage() {
        let x = Tensor.zeros([2, 3])
        let error = #expect(throws: TensorError.self) { try x.sum(dim: -3) }
        #expect(error?.message == "Dimension out of range (expected to be in range of [-2, 1], but got -3)")
        #expect(throws: TensorError.self) { try x.softmax(dim: 2) }
        #expect(throws: TensorError.self) { try x.logSoftmax(dim: 5) }
        #expect(throws: TensorError.self) { try x.mean(dim: 2) }
        #expect(throws: TensorError.self) { try x.max(dim: -4) }
        #expect(throws: TensorError.self) { try x.transpose(0, 2) }
        #expect(throws: TensorError.self) { try x.permute([0]) }
        #expect(throws: TensorError.self) { try x.permute([0, 0]) }
        #expect(throws: TensorError.self) { try x.unsqueeze(4) }
        #expect(throws: TensorError.self) { try x.sum(dims: [1, -1]) }
        #expect(throws: TensorError.self) { try Tensor.cat([x, Tensor.zeros([2, 2])], dim: 0) }
        #expect(throws: TensorError.self) { try Tensor.stack([x, Tensor.zeros([3, 2])]) }
        #expect(throws: TensorError.self) { try Tensor.cat([]) }
    }

    @Test func negativeDimsInRangeWork() throws {
        let x = Tensor.ones([2, 3])
        #expect(try x.sum(dim: -1).scalars == [3, 3])
        #expect(try x.sum(dim: -2).scalars == [2, 2, 2])
    }

    @Test func matmulShapeMismatchNamesBothShapes() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).matmul(Tensor.zeros([2, 3]))
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"))
        }
    }

    @Test func broadcastMismatchNamesBothShapes() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]) + Tensor.zeros([4])
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"))
            #expect(text.contains("[2, 3]") && text.contains("[4]"))
        }
    }

    @Test func reshapeToWrongCountTraps() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).reshape([4])
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("shape '[4]' is invalid for input of size 6"))
        }
    }
}
