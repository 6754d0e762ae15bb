import FixedOrderKernels

/// One `C = op(A) · op(B) + beta · C` in row-major layout, computable in blocks of C on several threads.
///
/// A block of rows or columns of C needs only the matching rows of op(A) or columns of
/// op(B), and each of its elements is summed over the whole inner dimension exactly as in
/// the undivided product: splitting does not change BLAS's or the fixed-order kernel's
/// arithmetic per element, only which thread does it.
struct MatrixProduct: Sendable {
    let transposeA: Bool, transposeB: Bool
    let m: Int, n: Int, k: Int
    let a: ChunkShared<Float>, lda: Int
    let b: ChunkShared<Float>, ldb: Int
    let beta: Float
    let c: ChunkShared<Float>, ldc: Int
    /// The fixed-order kernel instead of BLAS (`useDeterministicAlgorithms`).
    let deterministic: Bool

    /// Multiply-adds (m·n·k) from which a product is worth splitting (about 30 µs of work).
    static let parallelWork = 1 << 19
    /// Blocks are whole multiples of this many rows or columns, the width of the kernels' tiles.
    static let blockAlignment = 16

    /// Computes the block `rows × columns` of C.
    func compute(rows: Range<Int>, columns: Range<Int>) {
        if rows.isEmpty || columns.isEmpty { return }
        // Row r of op(A) starts at a + r·lda, or a + r when A is stored transposed; likewise for columns of op(B).
        let aBlock = a.pointer + rows.lowerBound * (transposeA ? 1 : lda)
        let bBlock = b.pointer + columns.lowerBound * (transposeB ? ldb : 1)
        let cBlock = c.pointer + rows.lowerBound * ldc + columns.lowerBound
        if deterministic {
            FixedOrderGEMM.multiply(
                transposeA: transposeA, transposeB: transposeB, m: rows.count, n: columns.count, k: k,
                a: aBlock, lda: lda, b: bBlock, ldb: ldb, beta: beta, c: cBlock, ldc: ldc)
        } else {
            BLAS.sgemm(
                transposeA: transposeA, transposeB: transposeB, m: rows.count, n: columns.count, k: k,
                a: aBlock, lda: lda, b: bBlock, ldb: ldb, beta: beta, c: cBlock, ldc: ldc)
        }
    }

    /// Computes the whole product on `pool`: one block of C's longer side per thread.
    func run(on pool: ComputePool) {
        let splitRows = m >= n
        let length = splitRows ? m : n
        let parts = pool.threads
        let product = self
        pool.forEachChunk(parts) { part in
            let range = Self.block(part, of: parts, length: length)
            if splitRows {
                product.compute(rows: range, columns: 0..<product.n)
            } else {
                product.compute(rows: 0..<product.m, columns: range)
            }
        }
    }

    /// The `part`-th of `parts` nearly equal ranges covering 0..<length, split at multiples of `blockAlignment`.
    static func block(_ part: Int, of parts: Int, length: Int) -> Range<Int> {
        let tiles = (length + blockAlignment - 1) / blockAlignment
        func start(_ p: Int) -> Int { Swift.min(length, (tiles * p / parts) * blockAlignment) }
        return start(part)..<start(part + 1)
    }
}
