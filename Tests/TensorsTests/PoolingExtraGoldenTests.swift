import Foundation
import Testing
import Tensors
import TestSupport

/// Pooling options combined (rectangular kernels, strides, padding, dilation, ceil_mode, 3-D input,
/// adaptive sizes with None), checked against PyTorch (`Fixtures/make_pool_extra.py`).
@Suite struct PoolingExtraGoldenTests {
    static let cases: JSONValue = {
        let url = Bundle.module.url(forResource: "golden-pool-extra", withExtension: "json", subdirectory: "Fixtures")!
        return try! Golden.load(url)["cases"]
    }()

    /// An int or [h, w] argument as a pair.
    func pair(_ value: JSONValue) -> (Int, Int) {
        if case .array(let items) = value { return (Int(items[0].double!), Int(items[1].double!)) }
        let n = Int(value.double!)
        return (n, n)
    }

    /// An int or [h, w] output size, where null keeps the input's size.
    func adaptiveSize(_ value: JSONValue) -> (Int?, Int?) {
        if case .array(let items) = value { return (items[0].double.map { Int($0) }, items[1].double.map { Int($0) }) }
        let n = Int(value.double!)
        return (n, n)
    }

    func run(_ golden: JSONValue, _ x: Tensor) throws -> (Tensor, Tensor?) {
        let kwargs = golden["kwargs"]
        func option(_ key: String, _ fallback: (Int, Int)) -> (Int, Int) { kwargs.has(key) ? pair(kwargs[key]) : fallback }
        let ceilMode = kwargs.has("ceil_mode") ? kwargs["ceil_mode"].bool! : false
        switch golden["op"].string {
        case "max":
            let kernel = pair(kwargs["kernel_size"])
            let (values, indices) = try x.maxPool2dWithIndices(
                kernelSize: kernel, stride: option("stride", kernel), padding: option("padding", (0, 0)),
                dilation: option("dilation", (1, 1)), ceilMode: ceilMode)
            return (values, indices)
        case "avg":
            let kernel = pair(kwargs["kernel_size"])
            let out = try x.avgPool2d(
                kernelSize: kernel, stride: option("stride", kernel), padding: option("padding", (0, 0)), ceilMode: ceilMode,
                countIncludePad: kwargs.has("count_include_pad") ? kwargs["count_include_pad"].bool! : true,
                divisorOverride: kwargs.has("divisor_override") ? Int(kwargs["divisor_override"].double!) : nil)
            return (out, nil)
        case "adaptive_avg":
            return (try x.adaptiveAvgPool2d(adaptiveSize(kwargs["output_size"])), nil)
        default:
            let (values, indices) = try x.adaptiveMaxPool2dWithIndices(adaptiveSize(kwargs["output_size"]))
            return (values, indices)
        }
    }

    @Test(arguments: cases.keys)
    func matchesPyTorch(name: String) throws {
        let golden = Self.cases[name]
        let x = Golden.tensor(golden["input"], requiresGrad: true)
        let (out, indices) = try run(golden, x)
        #expect(Golden.mismatch(out, golden["output"]) == nil, "\(Golden.mismatch(out, golden["output"]) ?? "")")
        if let indices {
            #expect(indices.shape == Golden.shapeOf(golden["indices"]))
            #expect(indices.int64Scalars == Golden.values(golden["indices"]).map { Int64($0) })
        }
        try out.backward(Golden.tensor(golden["grad_output"]))
        let grad = try #require(x.grad)
        #expect(Golden.mismatch(grad, golden["grad_input"]) == nil, "\(Golden.mismatch(grad, golden["grad_input"]) ?? "")")
    }
}
