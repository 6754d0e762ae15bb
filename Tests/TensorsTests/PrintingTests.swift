import Foundation
import Testing
import Tensors
import TestSupport

/// `description` matches `str(tensor)` in PyTorch for every case in `Fixtures/printing.json`
/// (written by `Fixtures/make_printing.py`), plus the notebook's printed values.
@Suite struct PrintingTests {
    static let cases: JSONValue = {
        let url = Bundle.module.url(forResource: "printing", withExtension: "json", subdirectory: "Fixtures")!
        return try! Golden.load(url)
    }()

    /// Rebuilds a case's tensor: values, dtype, shape, and a grad_fn when PyTorch's had one.
    static func tensor(_ spec: JSONValue) -> Tensor {
        let shape = Golden.shapeOf(spec)
        let values = spec["data"].flattened.isEmpty && !spec["data"].keys.isEmpty ? [] : flatten(spec["data"])
        switch spec["dtype"].string {
        case "int64": return Tensor(shape: shape, int64Scalars: values.map { Int64($0) })
        case "bool": return Tensor(shape: shape, int64Scalars: values.map { Int64($0) }).to(.bool)
        default:
            let leaf = Tensor(shape: shape, scalars: values.map { Float($0) }, requiresGrad: spec["requires_grad"].bool ?? false)
            if spec["grad_fn"].string == "MulBackward0" { return leaf * 1 }
            return leaf
        }
    }

    /// Row-major numbers, with JSON booleans as 0/1.
    static func flatten(_ value: JSONValue) -> [Double] {
        switch value {
        case .array(let items): return items.flatMap(flatten)
        case .bool(let b): return [b ? 1 : 0]
        default: return value.double.map { [$0] } ?? []
        }
    }

    @Test(arguments: cases.keys)
    func matchesPyTorch(name: String) {
        let spec = Self.cases[name]
        #expect(Self.tensor(spec).description == spec["text"].string)
    }

    @Test func notebookValues() throws {
        #expect(Tensor([6.0, 4.0]).description == "tensor([6., 4.])")
        #expect(Tensor([0.0, 4, 8, 12, 16, 20]).description == "tensor([ 0.,  4.,  8., 12., 16., 20.])")
        #expect(Tensor([0.0, 8, 24, 48, 80, 120]).description == "tensor([  0.,   8.,  24.,  48.,  80., 120.])")
        #expect(Tensor([0, 1]).description == "tensor([0, 1])")
        let x = Tensor.arange(0, 6, requiresGrad: true)
        #expect(x.description == "tensor([0., 1., 2., 3., 4., 5.], requires_grad=True)")
        #expect((2 * x).description == "tensor([ 0.,  2.,  4.,  6.,  8., 10.], grad_fn=<MulBackward0>)")
    }

    @Test func printsTheLogicalOrderOfViews() {
        let m = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(m.t().description == "tensor([[1., 4.],\n        [2., 5.],\n        [3., 6.]])")
    }
}
