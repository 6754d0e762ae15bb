/// How a steps-per-second limit reads on screen, and the steps of the `<` / `>` keys.
public enum SpeedText {
    /// The speeds `<` and `>` step through (steps per second); past the last is unlimited.
    public static let ladder: [Double] = [1, 2, 5, 10, 20, 50, 100, 200, 500]

    /// `unlimited`, `5 steps/s`, `1 step/s`, `0.5 steps/s`.
    public static func describe(_ stepsPerSecond: Double?) -> String {
        guard let value = stepsPerSecond, value.isFinite else { return "unlimited" }
        let number = value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%g", value)
        return "\(number) step\(value == 1 ? "" : "s")/s"
    }

    /// The next speed up (`>`): the next rung above `current`, or unlimited past the top.
    public static func faster(than current: Double?) -> Double? {
        guard let current else { return nil }
        return ladder.first { $0 > current }
    }

    /// The next speed down (`<`): the rung below `current` (unlimited steps down to the top rung).
    public static func slower(than current: Double?) -> Double? {
        guard let current else { return ladder.last }
        return ladder.last { $0 < current } ?? ladder.first
    }
}
