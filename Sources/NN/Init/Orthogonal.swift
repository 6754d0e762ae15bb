import COpenBLAS
import Tensors

/// Orthogonal matrices from LAPACK's QR decomposition (OpenBLAS ships LAPACK).
enum Orthogonal {
    /// A rows×cols matrix (row-major) with orthonormal rows or columns, whichever are fewer,
    /// made like PyTorch's `orthogonal_`: QR of a normal matrix, Q's columns times sign(diag R).
    static func matrix(rows: Int, cols: Int, generator: Generator) throws -> [Float] {
        // Work on a tall m×n matrix (m ≥ n): the transpose when the tensor is wide.
        let (m, n) = rows < cols ? (cols, rows) : (rows, cols)
        // Column-major m×n for LAPACK: element (i, j) at i + j·m.
        var a = (0..<(m * n)).map { _ in Float(generator.nextNormal()) }
        if areDeterministicAlgorithmsEnabled { return deterministicMatrix(a, m: m, n: n, rows: rows, cols: cols) }
        var tau = [Float](repeating: 0, count: n)
        var (mm, nn, lda, info) = (Int32(m), Int32(n), Int32(m), Int32(0))
        var lwork: Int32 = -1
        var query: Float = 0
        sgeqrf_(&mm, &nn, &a, &lda, &tau, &query, &lwork, &info)
        var work = [Float](repeating: 0, count: max(1, Int(query)))
        lwork = Int32(work.count)
        sgeqrf_(&mm, &nn, &a, &lda, &tau, &work, &lwork, &info)
        guard info == 0 else { throw InitError("QR decomposition failed (sgeqrf info \(info))") }
        let signs = (0..<n).map { a[$0 + $0 * m] < 0 ? Float(-1) : Float(1) }
        var k = nn
        lwork = -1
        sorgqr_(&mm, &nn, &k, &a, &lda, &tau, &query, &lwork, &info)
        work = [Float](repeating: 0, count: max(1, Int(query)))
        lwork = Int32(work.count)
        sorgqr_(&mm, &nn, &k, &a, &lda, &tau, &work, &lwork, &info)
        guard info == 0 else { throw InitError("forming Q failed (sorgqr info \(info))") }
        return rowMajor(m: m, n: n, rows: rows, cols: cols) { i, j in a[i + j * m] * signs[j] }
    }

    /// The same matrix from `HouseholderQR`, whose sums run in a fixed order (deterministic algorithms).
    private static func deterministicMatrix(_ a: [Float], m: Int, n: Int, rows: Int, cols: Int) -> [Float] {
        let (q, signs) = HouseholderQR.q(a, m: m, n: n)
        return rowMajor(m: m, n: n, rows: rows, cols: cols) { i, j in Float(q[i + j * m] * signs[j]) }
    }

    /// The rows×cols row-major result from Q's (i, j) values, transposed back if the tensor is wide.
    private static func rowMajor(m: Int, n: Int, rows: Int, cols: Int, _ value: (Int, Int) -> Float) -> [Float] {
        var result = [Float](repeating: 0, count: rows * cols)
        for i in 0..<m {
            for j in 0..<n {
                if rows < cols { result[j * cols + i] = value(i, j) } else { result[i * cols + j] = value(i, j) }
            }
        }
        return result
    }
}
