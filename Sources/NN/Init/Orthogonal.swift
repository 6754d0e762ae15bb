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
        // Q (m×n, column-major) with column j scaled by signs[j]; transpose back if the tensor is wide.
        var result = [Float](repeating: 0, count: rows * cols)
        for i in 0..<m {
            for j in 0..<n {
                let value = a[i + j * m] * signs[j]
                if rows < cols { result[j * cols + i] = value } else { result[i * cols + j] = value }
            }
        }
        return result
    }
}
