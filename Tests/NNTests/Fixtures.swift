import Foundation
import TestSupport

/// PyTorch's reference values for this target (see Fixtures/*.py for how they were made).
enum Fixtures {
    /// `golden-nn.json`: cross-entropy variants (float32 and float64), the notebook's Linear (both),
    /// nn.init facts, optimizer steps.
    static let golden = load("golden-nn")
    /// `extra-nn.json`: other losses, optimizers, schedules and module reprs (make_extra.py).
    static let extra = load("extra-nn")
    /// `conv-nn.json`: `nn.Conv2d` padding modes (`h_conv2d`), `k_conv_init` and the conv messages
    /// of `m_errors`, copied from ../shared/golden/conv/conv_golden.json (float32 and float64:
    /// `../../TensorsTests/Fixtures/make_float64.py`).
    static let conv = load("conv-nn")

    static func load(_ name: String) -> JSONValue {
        let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures")!
        return try! Golden.load(url)
    }
}
