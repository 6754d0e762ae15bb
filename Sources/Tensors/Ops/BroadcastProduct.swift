import CVectorKernels

/// A convolution's small matrix products through `tt_broadcast_gemm` (AVX-512, nothing packed)
/// instead of BLAS, where that is faster: on x86-64 with AVX-512, outside deterministic mode.
///
/// For the `cnn` preset's second convolution (products 32×196×400, 400×196×32 and
/// 400×32×196 per image) OpenBLAS spends much of each call packing operands that already sit in
/// the caches; `make bench ARGS=--conv` shows the difference.
enum BroadcastProduct {
    /// Whether this CPU runs the AVX-512 kernel (asked once).
    static let available = tt_broadcast_gemm_available() != 0

    /// The largest A (m·k floats) it takes: A is read once for every 32 columns of B, so it must
    /// stay in the core's cache; larger products go to BLAS, which blocks them.
    static let largestA = 128 * 1024

    /// Whether an m×k by k×n product should use it: AVX-512 here, A small enough, and k and n at
    /// least 32 (shorter sums or a single vector of columns run faster in BLAS's packed kernel:
    /// the first convolution's 25 taps and 16 channels, measured with `make bench ARGS=--conv`).
    static func suits(m: Int, n: Int, k: Int) -> Bool {
        available && k >= 32 && n >= 32 && m * k <= largestA
    }

    /// c (m×n, rows ldc apart) = A·B (+ c when `accumulate`); A's element (i, p) at
    /// `a[i·aRow + p·aColumn]`, B row-major with rows ldb apart. With `rowStarts` (m values, a
    /// bias), row i's sums start from rowStarts[i].
    @inline(__always)
    static func multiply(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aRow: Int, aColumn: Int,
        b: UnsafePointer<Float>, ldb: Int, into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
        rowStarts: UnsafePointer<Float>? = nil
    ) {
        tt_broadcast_gemm(m, n, k, a, aRow, aColumn, b, ldb, c, ldc, accumulate ? 1 : 0, rowStarts)
    }
}
