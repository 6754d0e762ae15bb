import Foundation

/// Notices a loss that stays far above where it started, which a NaN check misses: with a
/// learning rate far too high (SGD at `--lr 1000`) the loss can stay in the hundreds for a
/// whole run, finite, while the accuracy sits at chance.
///
/// It warns once, after `patience` steps in a row above `factor` × the first step's loss;
/// a learning-rate change re-arms it, and a reset, re-initialisation or load starts it over
/// (new weights have their own starting loss).
struct LossWatch {
    /// How far above the first loss counts as "far above".
    static let factor = 4.0
    /// How many steps in a row the loss must stay there.
    static let patience = 30

    /// The first step's loss (nil before the first step).
    private(set) var start: Double?
    private var stepsAbove = 0
    private var warned = false

    /// Takes one step's finite loss; returns the warning when it is due.
    mutating func observe(_ loss: Double, learningRate: Float) -> String? {
        guard let start else {
            self.start = loss
            return nil
        }
        stepsAbove = loss > Self.factor * start ? stepsAbove + 1 : 0
        guard !warned, stepsAbove >= Self.patience else { return nil }
        warned = true
        return String(format: "loss above %g× its start (%.4g) for %d steps, now %.4g: learning rate %g may be too high",
                      Self.factor, start, stepsAbove, loss, Double(learningRate))
    }

    /// Watches afresh from the current loss level's streak (after a learning-rate change).
    mutating func rearm() {
        stepsAbove = 0
        warned = false
    }
}
