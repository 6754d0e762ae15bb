/// The Q factor of a QR decomposition by Householder reflections, every sum in one fixed order.
///
/// The deterministic counterpart of LAPACK's `sgeqrf` + `sorgqr` for `orthogonal_`: LAPACK runs
/// on BLAS kernels that differ per CPU type, while this runs the same double-precision
/// operations in the same order everywhere. Reflectors follow LAPACK's convention
/// (R's diagonal is −sign(a)·‖a‖), so both give the same Q up to rounding.
enum HouseholderQR {
    /// Q (m×n, column-major, element (i, j) at i + j·m) and the signs of R's diagonal (+1 when 0),
    /// for a column-major m×n matrix with m ≥ n.
    static func q(_ matrix: [Float], m: Int, n: Int) -> (q: [Double], diagonalSigns: [Double]) {
        precondition(m >= n && matrix.count == m * n)
        var a = matrix.map(Double.init)
        var tau = [Double](repeating: 0, count: n)
        var signs = [Double](repeating: 1, count: n)
        a.withUnsafeMutableBufferPointer { a in
            for j in 0..<n {
                let column = j * m
                var squares = 0.0
                for i in j..<m { squares += a[i + column] * a[i + column] }
                let alpha = a[j + column]
                let norm = squares.squareRoot()
                guard norm > 0 else { continue }
                let beta = alpha >= 0 ? -norm : norm
                signs[j] = beta < 0 ? -1 : 1
                tau[j] = (beta - alpha) / beta
                let scale = 1 / (alpha - beta)
                for i in (j + 1)..<m { a[i + column] *= scale }
                a[j + column] = beta
                for c in (j + 1)..<n { reflect(a, reflector: j, tau: tau[j], m: m, column: c, of: a) }
            }
        }
        // Q = H₀ H₁ … Hₙ₋₁ applied to the first n columns of the identity, last reflector first.
        var q = [Double](repeating: 0, count: m * n)
        for j in 0..<n { q[j + j * m] = 1 }
        a.withUnsafeMutableBufferPointer { a in
            q.withUnsafeMutableBufferPointer { q in
                for j in stride(from: n - 1, through: 0, by: -1) where tau[j] != 0 {
                    for c in j..<n { reflect(q, reflector: j, tau: tau[j], m: m, column: c, of: a) }
                }
            }
        }
        return (q, signs)
    }

    /// x ← (I − τ·v·vᵀ)·x for column `column` of `x`, where v is reflector j stored below the
    /// diagonal of `reflectors` (with an implicit 1 at row j).
    @inline(__always)
    private static func reflect(_ x: UnsafeMutableBufferPointer<Double>, reflector j: Int, tau: Double, m: Int,
                                column: Int, of reflectors: UnsafeMutableBufferPointer<Double>) {
        let v = j * m, c = column * m
        var dot = x[j + c]
        for i in (j + 1)..<m { dot += reflectors[i + v] * x[i + c] }
        let w = tau * dot
        x[j + c] -= w
        for i in (j + 1)..<m { x[i + c] -= w * reflectors[i + v] }
    }
}
