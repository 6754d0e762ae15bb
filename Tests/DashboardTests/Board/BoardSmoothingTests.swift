@testable import Dashboard
import Testing

/// TensorBoard's debiased moving average, as its scalar charts compute it.
struct BoardSmoothingTests {
    @Test func theFirstValueIsKeptAndLaterOnesAreDebiased() {
        let smoothed = Smoothing.debiased([1, 2, 3], weight: 0.6)
        // last = 0.4; 0.24 + 0.8 = 1.04 / (1 - 0.36) = 1.625; 0.624 + 1.2 = 1.824 / (1 - 0.216)
        #expect(smoothed[0] == 1)
        #expect(abs(smoothed[1] - 1.625) < 1e-12)
        #expect(abs(smoothed[2] - 1.824 / 0.784) < 1e-12)
    }

    @Test func nonFiniteValuesAreShownAsTheyAreAndLeftOutOfTheAverage() {
        let smoothed = Smoothing.debiased([1, .nan, 2, .infinity, 3], weight: 0.6)
        #expect(smoothed[1].isNaN && smoothed[3] == .infinity)
        let finite = Smoothing.debiased([1, 2, 3], weight: 0.6)
        #expect([smoothed[0], smoothed[2], smoothed[4]] == finite)
    }

    @Test func aConstantSeriesAndWeightZeroAreLeftAlone() {
        #expect(Smoothing.debiased([0.1, 0.1, 0.1], weight: 0.9) == [0.1, 0.1, 0.1])
        #expect(Smoothing.debiased([3, 1, 2], weight: 0) == [3, 1, 2])
    }
}
