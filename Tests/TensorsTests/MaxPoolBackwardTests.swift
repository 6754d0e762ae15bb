import Testing
import Tensors

/// Max pooling's gradient when 2×2 windows tile the plane (written directly, `tt_max_pool_2x2_backward`)
/// against the gradients added onto zeros at the argmaxes, as every other window shape does.
@Suite struct MaxPoolBackwardTests {
    @Test(arguments: [[2, 3, 6, 10], [1, 2, 4, 16], [3, 1, 2, 2], [1, 1, 8, 6]])
    func tilingWindowsGiveTheBitsOfAddingOntoZeros(_ shape: [Int]) throws {
        let generator = Generator(seed: UInt64(shape.reduce(0, +)))
        var values = Tensor.randn(shape, generator: generator).scalars
        values[1] = .nan            // a NaN wins its window
        values[values.count - 1] = values[values.count - 2]  // a tie goes to the first
        let x = Tensor(shape: shape, scalars: values).requiresGrad_()
        let (out, indices) = try x.maxPool2dWithIndices(kernelSize: 2)
        var upstream = Tensor.randn(out.shape, generator: generator).scalars
        upstream[0] = -0.0          // adding -0 onto +0 gives +0
        upstream[upstream.count - 1] = .infinity
        try out.backward(Tensor(shape: out.shape, scalars: upstream))
        let plane = shape[2] * shape[3], outPlane = out.shape[2] * out.shape[3]
        var expected = [Float](repeating: 0, count: values.count)
        for (cell, index) in indices.int64Scalars.enumerated() {
            expected[cell / outPlane * plane + Int(index)] += upstream[cell]
        }
        let grad = try #require(x.grad)
        #expect(grad.scalars.map(\.bitPattern) == expected.map(\.bitPattern))
    }
}
