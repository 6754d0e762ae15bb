import Testing
@testable import Tensors

/// The register-summing raise (`tt_raise_narrow`) against the padded route it replaces for
/// narrow images: the same bits for every element, across kernels, paddings, dilations and strides.
@Suite struct ConvolutionLoweringTests {
    /// (input [N, C, H, W], weight [out, C, kH, kW], stride, padding, dilation).
    static let geometries: [([Int], [Int], Pair2d, Conv2dPadding, Pair2d)] = [
        ([1, 16, 14, 14], [32, 16, 5, 5], 1, 2, 1),            // the cnn preset's second layer
        ([1, 6, 14, 14], [16, 6, 5, 5], 1, 0, 1),              // LeNet's second layer
        ([1, 2, 16, 16], [3, 2, 3, 3], 1, 1, 1),               // exactly two 8-lane halves
        ([1, 2, 5, 3], [2, 2, 3, 2], [2, 1], [1, 0], 1),       // strided rows, narrow image
        ([1, 1, 7, 9], [2, 1, 3, 4], 1, [1, 3], [2, 3]),       // dilated, wide padding
        ([1, 3, 9, 11], [2, 3, 7, 7], [3, 1], [3, 2], 1),      // odd sizes, big kernel
        ([1, 1, 1, 1], [1, 1, 5, 5], 1, 2, 1),                 // one pixel, kernel wider than the image
    ]

    @Test(arguments: 0..<geometries.count)
    func narrowRaiseGivesThePaddedRoutesBits(_ index: Int) throws {
        let (input, weight, stride, padding, dilation) = Self.geometries[index]
        let shape = try ConvolutionGeometry(input: input, weight: weight, bias: nil, stride: stride,
                                            padding: padding, dilation: dilation, groups: 1)
        #expect(shape.raisesNarrow)
        let counts = shape.scratchCounts
        let imageCount = shape.inChannels * shape.height * shape.width
        let generator = Generator(seed: UInt64(index) + 11)
        let columns = UnsafeMutablePointer<Float>.allocate(capacity: counts.columns)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: counts.padded)
        let images = UnsafeMutablePointer<Float>.allocate(capacity: 2 * imageCount)
        defer { columns.deallocate(); scratch.deallocate(); images.deallocate() }
        columns.initialize(from: Tensor.randn([counts.columns], generator: generator).scalars, count: counts.columns)
        images.initialize(repeating: .nan, count: 2 * imageCount)
        let start = UnsafePointer(shape.columns(in: columns))
        shape.raise(start, padded: scratch, into: images)
        shape.raiseByRows(start, padded: scratch, into: images + imageCount)
        let narrow = Array(UnsafeBufferPointer(start: images, count: imageCount))
        let padded = Array(UnsafeBufferPointer(start: images + imageCount, count: imageCount))
        #expect(narrow.map(\.bitPattern) == padded.map(\.bitPattern))
        #expect(!narrow.contains { $0.isNaN })
    }
}
