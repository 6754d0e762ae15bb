import Testing
import Tensors

/// `Tensor.pad2d`: PyTorch's reflect / replicate / circular borders, their node names and gradients.
@Suite struct PaddingTests {
    let row = Tensor(shape: [1, 1, 4], scalars: [1, 2, 3, 4])

    @Test func bordersMatchPyTorch() throws {
        #expect(try Tensor.pad2d(row, top: 0, bottom: 0, left: 3, right: 2, mode: .reflect).scalars == [4, 3, 2, 1, 2, 3, 4, 3, 2])
        #expect(try Tensor.pad2d(row, top: 0, bottom: 0, left: 3, right: 2, mode: .replicate).scalars == [1, 1, 1, 1, 2, 3, 4, 4, 4])
        #expect(try Tensor.pad2d(row, top: 0, bottom: 0, left: 3, right: 2, mode: .circular).scalars == [2, 3, 4, 1, 2, 3, 4, 1, 2])
        let column = Tensor(shape: [1, 1, 3, 1], scalars: [1, 2, 3])
        #expect(try Tensor.pad2d(column, top: 1, bottom: 2, left: 0, right: 0, mode: .reflect).scalars == [2, 1, 2, 3, 2, 1])
    }

    @Test func nodeNamesMatchPyTorch() throws {
        let x = Tensor.zeros([1, 2, 3, 4]).requiresGrad_()
        #expect(try Tensor.pad2d(x, top: 1, bottom: 1, left: 1, right: 1, mode: .reflect).gradFn?.name == "ReflectionPad2DBackward0")
        #expect(try Tensor.pad2d(x, top: 1, bottom: 1, left: 1, right: 1, mode: .replicate).gradFn?.name == "ReplicationPad2DBackward0")
        #expect(try Tensor.pad2d(x, top: 1, bottom: 1, left: 1, right: 1, mode: .circular).gradFn?.name == "CopySlices")
    }

    @Test func tooWideBordersAreRefused() {
        let x = Tensor.zeros([1, 2, 3, 4])
        #expect(throws: TensorError("Argument #6: Padding size should be less than the corresponding input dimension, but got: padding (3, 3) at dimension 2 of input [1, 2, 3, 4]")) {
            try Tensor.pad2d(x, top: 3, bottom: 3, left: 0, right: 0, mode: .reflect)
        }
        #expect(throws: TensorError("Padding value causes wrapping around more than once.")) {
            try Tensor.pad2d(x, top: 0, bottom: 0, left: 5, right: 0, mode: .circular)
        }
    }

    @Test(arguments: Pad2dMode.allCases)
    func gradientsMatchFiniteDifferences(_ mode: Pad2dMode) throws {
        try expectGradientsMatchFiniteDifferences([randomInput([2, 1, 3, 4], seed: 11)]) { t in
            try Tensor.pad2d(t[0], top: 2, bottom: 1, left: 1, right: 3, mode: mode)
        }
        try expectGradientsMatchFiniteDifferences([randomInput([2, 3, 4], seed: 12)]) { t in
            try Tensor.pad2d(t[0], top: 0, bottom: 2, left: 2, right: 0, mode: mode)
        }
    }
}
