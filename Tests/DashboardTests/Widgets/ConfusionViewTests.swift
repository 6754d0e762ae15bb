import Testing
@testable import Dashboard
import Telemetry

/// The confusion page on its own.
@Suite struct ConfusionViewTests {
    static let result = EpochResult(epoch: 4, step: 400, trainLoss: 0.5, testLoss: 0.4, testAccuracy: 0.75,
                                    perClassAccuracy: [5.0 / 6, 1, 4.0 / 6], confusion: [[5, 1, 0], [0, 6, 0], [2, 0, 4]], seconds: 1)

    static func render(_ input: ConfusionView.Input, _ width: Int = 60, _ height: Int = 12) -> Buffer {
        WidgetRendering.buffer(width, height) { ConfusionView.render(input, in: $0, theme: .monochrome, into: &$1) }
    }

    @Test func beforeTheFirstEpochItSaysWhenItAppears() {
        let lines = WidgetRendering.lines(Self.render(ConfusionView.Input(epochs: []), 50, 4))
        #expect(lines == ["┌─ Confusion matrix  (1 back) ───────────────────┐", "│                                                │",
                          "│ appears at the end of the first epoch          │", "└────────────────────────────────────────────────┘"])
    }

    @Test func aSmallMatrixWithItsNamesAccuraciesAndHistory() {
        let lines = WidgetRendering.lines(Self.render(ConfusionView.Input(epochs: [Self.result], classNames: ["cat", "dog", "bird"], colors: false)))
        // The least important title part, the way back, is left out first.
        #expect(lines[0] == "┌─ Confusion matrix  epoch 4, test accuracy 75.00% ────────┐")
        #expect(lines[1] == "│true\\… cat  dog bird   accuracy                           │")
        #expect(lines[2] == "│cat      5    1    0   83.3%                              │")
        #expect(lines[3] == "│dog      0    6    0   100.0%                             │")
        #expect(lines[4] == "│bird     2    0    4   66.7%                              │")
        #expect(lines[6].contains("epoch  train loss  test loss  test accuracy"))
        #expect(lines[7].contains("    4      0.5000     0.4000         75.00%"))
    }

    @Test func withoutNamesTheClassesAreNumbered() {
        let text = Self.render(ConfusionView.Input(epochs: [Self.result], classNames: [], colors: false)).text
        #expect(text.contains("│0     5 1 0   83.3%") && text.contains("│2     2 0 4   66.7%"), "\(text)")
        let input = ConfusionView.input(Sample.state(width: 80, height: 24))
        #expect(input.epochs.count == 2 && input.classNames.count == 10 && input.colors)
    }
}
