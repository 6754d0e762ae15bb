import Foundation
import Tensors
import TestSupport

/// PyTorch's reference values copied from ../shared/golden into this target's fixtures.
enum Fixtures {
    /// `Fixtures/golden-tensors.json`: the autograd, composition, cross-entropy and linear cases (float32).
    static let golden: JSONValue = {
        let url = Bundle.module.url(forResource: "golden-tensors", withExtension: "json", subdirectory: "Fixtures")!
        return try! Golden.load(url)
    }()

    /// `Fixtures/golden-tensors-float64.json`: the same cases in float64, written by `make_float64.py`.
    static let goldenFloat64: JSONValue = {
        let url = Bundle.module.url(forResource: "golden-tensors-float64", withExtension: "json", subdirectory: "Fixtures")!
        return try! Golden.load(url)
    }()

    /// `Fixtures/conv-tensors.json`: `F.conv2d` cases of `h_conv2d` and the conv messages of
    /// `m_errors` (float32, and float64 beside it: `make_float64.py`), copied from ../shared/golden/conv/conv_golden.json.
    static let conv: JSONValue = {
        let url = Bundle.module.url(forResource: "conv-tensors", withExtension: "json", subdirectory: "Fixtures")!
        return try! Golden.load(url)
    }()
}

extension Precision {
    /// The autograd, composition, cross-entropy and linear cases in this precision.
    var golden: JSONValue { self == .float32 ? Fixtures.golden : Fixtures.goldenFloat64 }
}
