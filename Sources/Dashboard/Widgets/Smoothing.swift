import Foundation

/// TensorBoard's smoothing: an exponential moving average with bias correction (debiased), so
/// the first values are not pulled toward zero.
enum Smoothing {
    /// The smoothed values of `values` with `weight` of the past (0 = raw, 0.99 = very smooth).
    ///
    /// As TensorBoard does: a non-finite value is shown as it is and left out of the average,
    /// and a constant series is left alone (no rounding wobble).
    static func debiased(_ values: some Collection<Double>, weight: Double) -> [Double] {
        guard weight > 0, let first = values.first, !values.allSatisfy({ $0 == first }) else { return Array(values) }
        var result: [Double] = []
        result.reserveCapacity(values.count)
        var average = 0.0, count = 0.0
        for value in values {
            guard value.isFinite else {
                result.append(value)
                continue
            }
            count += 1
            average = weight * average + (1 - weight) * value
            result.append(weight >= 1 ? average : average / (1 - pow(weight, count)))
        }
        return result
    }
}
