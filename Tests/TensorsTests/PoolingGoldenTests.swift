import Foundation
import Testing
import Tensors
import TestSupport

/// PyTorch's max, average and adaptive pooling, forward and backward (golden case `i_pool`).
@Suite struct PoolingGoldenTests {
    /// `Fixtures/golden-pool.json`: `i_pool` (float32 and float64) and the pooling error of `m_errors`.
    static let fixture: JSONValue = {
        let url = Bundle.module.url(forResource: "golden-pool", withExtension: "json", subdirectory: "Fixtures")!
        return try! Golden.load(url)
    }()

    /// Runs `op` on the case's input in `precision`, backward with its `grad_output`, and checks
    /// output (dtype included), gradient and indices.
    func check(_ name: String, node: String, _ precision: Precision,
               _ op: (Tensor) throws -> (values: Tensor, indices: Tensor?)) throws {
        let golden = Self.fixture["i_pool"][name][precision.rawValue]
        let x = Golden.tensor(golden["input"], requiresGrad: true)
        let (out, indices) = try op(x)
        #expect(out.gradFn?.name == node, "\(name)")
        #expect(out.dtype == precision.dtype, "\(name)")
        #expect(Golden.mismatch(out, golden["output"]) == nil, "\(name) output: \(Golden.mismatch(out, golden["output"]) ?? "")")
        if let indices {
            #expect(indices.dtype == .int64)
            #expect(indices.shape == Golden.shapeOf(golden["indices"]))
            #expect(indices.int64Scalars == Golden.values(golden["indices"]).map { Int64($0) }, "\(name) indices")
        }
        try out.backward(Golden.tensor(golden["grad_output"]))
        let grad = try #require(x.grad)
        #expect(Golden.mismatch(grad, golden["grad_input"]) == nil, "\(name) grad: \(Golden.mismatch(grad, golden["grad_input"]) ?? "")")
    }

    @Test(arguments: Precision.allCases)
    func maxPool(_ precision: Precision) throws {
        let node = "MaxPool2DWithIndicesBackward0"
        try check("max_k2", node: node, precision) { try $0.maxPool2dWithIndices(kernelSize: 2) }
        try check("max_k3_s2_p1", node: node, precision) { try $0.maxPool2dWithIndices(kernelSize: 3, stride: 2, padding: 1) }
        try check("max_ceil", node: node, precision) { try $0.maxPool2dWithIndices(kernelSize: 3, stride: 2, ceilMode: true) }
        try check("max_dilation2", node: node, precision) { try $0.maxPool2dWithIndices(kernelSize: 2, dilation: 2) }
    }

    @Test(arguments: Precision.allCases)
    func maxPoolTiesGoToTheFirstMaximumInScanOrder(_ precision: Precision) throws {
        #expect(Self.fixture["i_pool"]["max_ties"]["ties"] == .bool(true))
        try check("max_ties", node: "MaxPool2DWithIndicesBackward0", precision) {
            try $0.maxPool2dWithIndices(kernelSize: (2, 2), stride: (1, 1))
        }
    }

    @Test(arguments: Precision.allCases)
    func maxPoolWithoutIndicesMatchesToo(_ precision: Precision) throws {
        try check("max_k2", node: "MaxPool2DWithIndicesBackward0", precision) { (try $0.maxPool2d(kernelSize: 2), nil) }
    }

    @Test func tiesAndNaNsFollowPyTorchOnTheTwoByTwoPathAndTheGeneralOne() throws {
        // PyTorch 2.15: max_pool2d(x, 2, return_indices=True) → [1, 2, nan, nan] at [0, 3, 5, 15];
        // with padding=1 → [[1, 1, nan, nan, 0], [1, 2, 0, 0, nan]] at [[0, 1, 4, 5, 7], [8, 10, 11, 13, 15]].
        let nan = Float.nan
        let x = Tensor(shape: [1, 1, 2, 8], scalars: [1, 1, 0, 2, nan, nan, 0, 0, 1, 1, 2, 0, 0, 0, 0, nan])
        for ceilMode in [false, true] {
            let (values, indices) = try x.maxPool2dWithIndices(kernelSize: 2, ceilMode: ceilMode)
            #expect(values.scalars.prefix(2) == [1, 2] && values.scalars.suffix(2).allSatisfy(\.isNaN))
            #expect(indices.int64Scalars == [0, 3, 5, 15])
        }
        let (values, indices) = try x.maxPool2dWithIndices(kernelSize: 2, padding: 1)
        #expect(values.scalars.map { $0.isNaN ? -1 : $0 } == [1, 1, -1, -1, 0, 1, 2, 0, 0, -1])
        #expect(indices.int64Scalars == [0, 1, 4, 5, 7, 8, 10, 11, 13, 15])
    }

    @Test(arguments: Precision.allCases)
    func avgPool(_ precision: Precision) throws {
        let node = "AvgPool2DBackward0"
        try check("avg_k2", node: node, precision) { (try $0.avgPool2d(kernelSize: 2), nil) }
        try check("avg_k3_s2_p1", node: node, precision) { (try $0.avgPool2d(kernelSize: 3, stride: 2, padding: 1), nil) }
        try check("avg_no_pad_count", node: node, precision) {
            (try $0.avgPool2d(kernelSize: 3, stride: 2, padding: 1, countIncludePad: false), nil)
        }
        try check("avg_ceil", node: node, precision) { (try $0.avgPool2d(kernelSize: 3, stride: 2, ceilMode: true), nil) }
        try check("avg_divisor", node: node, precision) { (try $0.avgPool2d(kernelSize: 2, divisorOverride: 3), nil) }
    }

    @Test(arguments: Precision.allCases)
    func adaptivePools(_ precision: Precision) throws {
        try check("adaptive_avg_1", node: "MeanBackward1", precision) { (try $0.adaptiveAvgPool2d(1), nil) }
        try check("adaptive_avg_3x2", node: "AdaptiveAvgPool2DBackward0", precision) { (try $0.adaptiveAvgPool2d((3, 2)), nil) }
        try check("adaptive_max_3", node: "AdaptiveMaxPool2DBackward0", precision) { try $0.adaptiveMaxPool2dWithIndices(3) }
    }

    @Test func unbatchedInputKeepsThreeDims() throws {
        let golden = Self.fixture["i_pool"]["max_k3_s2_p1"]["float32"]
        let batched = Golden.tensor(golden["input"])
        let plain = batched.reshape([2, 7, 7]).contiguous()
        let (values, indices) = try plain.maxPool2dWithIndices(kernelSize: 3, stride: 2, padding: 1)
        #expect(values.shape == [2, 4, 4])
        #expect(Golden.mismatch(values.reshape([1, 2, 4, 4]), golden["output"]) == nil)
        #expect(indices.int64Scalars == Golden.values(golden["indices"]).map { Int64($0) })
        #expect(try plain.avgPool2d(kernelSize: 2).shape == [2, 3, 3])
        #expect(try plain.adaptiveAvgPool2d((nil, 2)).shape == [2, 7, 2])
    }

    @Test func ceilModeDropsAWindowStartingInTheRightPadding() throws {
        // 4 wide, kernel 2, stride 2, padding 1: a 4th window would start at 5 ≥ 4 + 1, so 3.
        let x = Tensor.arange(16).reshape([1, 1, 4, 4])
        #expect(try x.maxPool2d(kernelSize: 2, stride: 2, padding: 1, ceilMode: true).shape == [1, 1, 3, 3])
        #expect(try Tensor.zeros([1, 1, 5, 5]).maxPool2d(kernelSize: 2, ceilMode: true).shape == [1, 1, 3, 3])
        // PyTorch: avg_pool2d(arange(25).view(1,1,5,5), 2, 2, ceil_mode=True), last column divides by the clipped window.
        let avg = try Tensor.arange(25).reshape([1, 1, 5, 5]).avgPool2d(kernelSize: 2, ceilMode: true)
        #expect(avg.scalars == [3, 5, 6.5, 13, 15, 16.5, 20.5, 22.5, 24])
        // PyTorch: the same with kernel 3, padding 1, count_include_pad=True: padding counts, [[1.3333, 3, 2.6667], ...].
        let padded = try Tensor.arange(25).reshape([1, 1, 5, 5]).avgPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true)
        let expected: [Double] = [12.0 / 9, 3, 24.0 / 9, 7, 12, 9, 8, 13, 84.0 / 9]
        for (a, b) in zip(padded.scalars, expected) { #expect(Golden.isClose(a, b)) }
    }

    @Test func emptyBatchAndEmptyOutputsAreAllowed() throws {
        #expect(try Tensor.zeros([0, 1, 5, 5]).maxPool2d(kernelSize: 2).shape == [0, 1, 2, 2])
        #expect(try Tensor.zeros([0, 1, 5, 5]).avgPool2d(kernelSize: 2).shape == [0, 1, 2, 2])
        #expect(try Tensor.zeros([1, 1, 5, 5]).adaptiveAvgPool2d((0, 2)).shape == [1, 1, 0, 2])
        #expect(try Tensor.zeros([1, 1, 5, 5]).adaptiveMaxPool2d((0, 2)).shape == [1, 1, 0, 2])
    }

    @Test func errorsUsePyTorchsTexts() {
        let x = Tensor.zeros([1, 1, 5, 5])
        func message(_ body: () throws -> Tensor) -> String? {
            do { _ = try body(); return nil } catch { return (error as? TensorError)?.message }
        }
        let expected = Self.fixture["m_errors"]["maxpool_pad_too_big"]["message"].string
        #expect(message { try x.maxPool2d(kernelSize: 2, padding: 2) } == expected)
        #expect(message { try x.maxPool2d(kernelSize: 2, padding: 2, dilation: 3) }
            == "pad should be smaller than or equal to half of kernel size, but got padW = 2, padH = 2, kW = 2, kH = 2")
        #expect(message { try x.maxPool2d(kernelSize: 2, stride: 0) } == "stride should not be zero")
        #expect(message { try x.maxPool2d(kernelSize: 0, stride: 1) } == "kernel size should be greater than zero, but got kH: 0 kW: 0")
        #expect(message { try x.maxPool2d(kernelSize: 2, dilation: 0) }
            == "dilation should be greater than zero, but got dilationH: 0 dilationW: 0")
        #expect(message { try x.maxPool2d(kernelSize: 7) }
            == "Given input size: (1x5x5). Calculated output size: (1x0x0). Output size is too small")
        #expect(message { try Tensor.zeros([5, 5]).maxPool2d(kernelSize: 2) } == "non-empty 3D or 4D (batch mode) tensor expected for input")
        #expect(message { try Tensor.zeros([1, 0, 5, 5]).maxPool2d(kernelSize: 2) }
            == "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[1, 0, 5, 5]")
        #expect(message { try x.avgPool2d(kernelSize: 2, padding: 2) } == expected)
        #expect(message { try x.avgPool2d(kernelSize: 2, divisorOverride: 0) } == "divisor must be not zero")
        #expect(message { try Tensor.zeros([5, 5]).adaptiveAvgPool2d(2) } == "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [5, 5]")
        #expect(message { try Tensor.zeros([5, 5]).adaptiveMaxPool2d(2) } == "adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: [5, 5]")
        #expect(message { try Tensor.zeros([1, 1, 0, 5]).adaptiveAvgPool2d(2) }
            == "adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes [1, 1, 0, 5] with dimension 2 being empty")
        #expect(message { try x.adaptiveAvgPool2d((-1, 2)) }
            == "adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {-1, 2}")
    }

    /// The 2×2 path (four windows at a time, the last four of a row overlapping) gives the
    /// general loop's values and indices (adaptive pooling to half the size takes the same
    /// windows through it) on rows of 1 to 14 windows, with ties and NaNs in many places.
    @Test(arguments: [2, 6, 8, 10, 14, 16, 28])
    func twoByTwoPathMatchesTheGeneralLoop(width: Int) throws {
        let generator = Generator(seed: UInt64(width))
        var values = Tensor.randint(0, 4, [2, 3, 6, width], generator: generator).to(.float32).scalars
        for i in stride(from: width % 7, to: values.count, by: 11) { values[i] = .nan }
        let x = Tensor(shape: [2, 3, 6, width], scalars: values)
        let fast = try x.maxPool2dWithIndices(kernelSize: 2)
        let general = try x.adaptiveMaxPool2dWithIndices((3, width / 2))
        #expect(fast.indices.int64Scalars == general.indices.int64Scalars)
        #expect(fast.values.scalars.map(\.bitPattern) == general.values.scalars.map(\.bitPattern))
    }

    @Test func planesSharedAmongComputeThreadsGiveTheSameBits() {
        ComputeThreadsTests.onOwnThread {
            func run() -> [[UInt32]] {
                let x = Tensor.randn([8, 16, 28, 28], generator: Generator(seed: 21)).requiresGrad_()
                let pooled = [try! x.maxPool2d(kernelSize: 2), try! x.avgPool2d(kernelSize: 3, stride: 2, padding: 1),
                              try! x.adaptiveAvgPool2d((5, 3)), try! x.adaptiveMaxPool2d(4)]
                let weights = pooled.map { Tensor.randn($0.shape, generator: Generator(seed: 22)) }
                try! zip(pooled, weights).map { ($0 * $1).sum() }.reduce(Tensor(0), +).backward()
                return (pooled + [x.grad!]).map { $0.scalars.map(\.bitPattern) }
            }
            setComputeThreads(1)
            let single = run()
            setComputeThreads(2)
            #expect(run() == single)
            setComputeThreads(1)
        }
    }
}
