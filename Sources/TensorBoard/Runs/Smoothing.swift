/// TensorBoard's scalar smoothing: an exponential moving average with its start-up bias removed.
///
/// With weight w in [0, 1): s = w·s + (1 − w)·x over the finite values, each shown as
/// s / (1 − wⁿ) after n of them, so the first points are not dragged towards 0. Non-finite
/// values pass through unchanged and do not enter the average; w = 0 returns the values.
public func debiasedSmoothing(_ values: [Double], weight: Double) -> [Double] {
    let w = weight.isFinite ? Swift.min(Swift.max(weight, 0), 0.999) : 0
    if w == 0 { return values }
    var average = 0.0
    var count = 0.0
    return values.map { value in
        guard value.isFinite else { return value }
        average = average * w + (1 - w) * value
        count += 1
        return average / (1 - pow(w, count))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
