import Foundation
import Tensors

/// Reference values computed by PyTorch, read from a test target's fixture files.
public enum Golden {
    /// Decodes the JSON file at `url`.
    public static func load(_ url: URL) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
    }

    /// A tensor encoded as `{dtype, shape, data}`.
    public static func tensor(_ value: JSONValue, requiresGrad: Bool = false) -> Tensor {
        let shape = shapeOf(value)
        let data = value["data"].flattened
        if value["dtype"].string == "int64" {
            return Tensor(shape: shape, int64Scalars: data.map { Int64($0) })
        }
        if value["dtype"].string == "float64" {
            return Tensor(shape: shape, float64Scalars: data, requiresGrad: requiresGrad)
        }
        return Tensor(shape: shape, scalars: data.map { Float($0) }, requiresGrad: requiresGrad)
    }

    /// The shape of an encoded tensor.
    public static func shapeOf(_ value: JSONValue) -> [Int] {
        value["shape"].flattened.map { Int($0) }
    }

    /// The row-major values of an encoded tensor.
    public static func values(_ value: JSONValue) -> [Double] {
        value["data"].flattened
    }

    /// Whether `actual` matches `expected` within the float32 tolerance `|a - b| <= 1e-5 + 1e-4·|b|`
    /// (infinities and NaNs must match exactly in kind).
    public static func isClose(_ actual: Float, _ expected: Double, absolute: Double = 1e-5, relative: Double = 1e-4) -> Bool {
        let a = Double(actual)
        if expected.isNaN { return a.isNaN }
        if expected.isInfinite { return a == expected }
        return Swift.abs(a - expected) <= absolute + relative * Swift.abs(expected)
    }

    /// Whether `actual` matches `expected` within the float64 tolerance `|a - b| <= 1e-12 + 1e-10·|b|`
    /// (infinities and NaNs must match exactly in kind).
    public static func isClose(float64 actual: Double, _ expected: Double, absolute: Double = 1e-12, relative: Double = 1e-10) -> Bool {
        if expected.isNaN { return actual.isNaN }
        if expected.isInfinite { return actual == expected }
        return Swift.abs(actual - expected) <= absolute + relative * Swift.abs(expected)
    }

    /// The first mismatch between a tensor and an encoded reference (shape, dtype or value), or nil if they agree.
    ///
    /// A float64 reference needs a float64 tensor and is compared within the float64 tolerance
    /// (`1e-12 + 1e-10·|b|`); others within the float32 one (`absolute`, `relative`).
    public static func mismatch(_ actual: Tensor, _ expected: JSONValue, absolute: Double = 1e-5, relative: Double = 1e-4) -> String? {
        let shape = shapeOf(expected)
        guard actual.shape == shape else { return "shape \(actual.shape) != expected \(shape)" }
        let want = values(expected)
        if expected.has("dtype"), expected["dtype"].string == "float64" {
            guard actual.dtype == .float64 else { return "dtype \(actual.dtype) != expected torch.float64" }
            for (i, (a, b)) in zip(actual.float64Scalars, want).enumerated() where !isClose(float64: a, b) {
                return "element \(i): \(a) != expected \(b)"
            }
            return nil
        }
        let got = actual.scalars
        for (i, (a, b)) in zip(got, want).enumerated() where !isClose(a, b, absolute: absolute, relative: relative) {
            return "element \(i): \(a) != expected \(b)"
        }
        return nil
    }
}
