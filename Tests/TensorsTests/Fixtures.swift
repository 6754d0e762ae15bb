import Foundation
import TestSupport

/// PyTorch's reference values copied from ../shared/golden into this target's fixtures.
enum Fixtures {
    /// `Fixtures/golden-tensors.json`: the autograd, composition, cross-entropy and linear cases (float32).
    static let golden: JSONValue = {
        let url = Bundle.module.url(forResource: "golden-tensors", withExtension: "json", subdirectory: "Fixtures")!
        return try! Golden.load(url)
    }()
}
