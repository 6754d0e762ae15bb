#if canImport(Glibc)
import Glibc
#endif

/// The inverse error function, `torch.erfinv` in double precision.
enum InverseErf {
    /// The x with erf(x) = y: ±∞ at y = ±1, NaN outside [−1, 1].
    ///
    /// Starts from Winitzki's closed-form approximation (about 3 significant digits) and
    /// refines it with Halley's method on erf (erfc in the tails, where 1 − |y| is exact),
    /// which triples the correct digits each step.
    static func of(_ y: Double) -> Double {
        guard y > -1, y < 1 else { return y == 1 ? .infinity : y == -1 ? -.infinity : .nan }
        if y == 0 { return 0 }
        let magnitude = abs(y)
        let tail = 1 - magnitude  // exact for |y| ≥ 0.5
        let logTerm = log(tail * (1 + magnitude))
        let a = 0.147
        let first = 2 / (Double.pi * a) + logTerm / 2
        var x = ((first * first - logTerm / a).squareRoot() - first).squareRoot()
        let slope = 2 / Double.pi.squareRoot()
        for _ in 0..<4 {
            let residual = magnitude >= 0.5 ? tail - erfc(x) : erf(x) - magnitude
            let derivative = slope * exp(-x * x)
            guard derivative > 0, residual.isFinite else { break }
            let newton = residual / derivative
            let step = newton / (1 + x * newton)
            guard step.isFinite else { break }
            x -= step
        }
        return y < 0 ? -x : x
    }
}
