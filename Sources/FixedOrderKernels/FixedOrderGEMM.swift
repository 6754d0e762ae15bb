/// Matrix products whose sums run in one fixed order: the deterministic path of every product.
///
/// Each element of C is `Σₚ op(A)[i,p] · op(B)[p,j]`, accumulated in single precision from
/// p = 0 upwards (one rounded multiply, then one rounded add, never fused), and then added
/// to `beta · C`. The loops are blocked — a tile of 4 rows × 16 columns of C stays in SIMD
/// registers while p runs over the whole inner dimension — but blocking only decides which
/// elements are computed side by side, never the order of any one element's sum. Swift
/// neither reassociates nor contracts float operations, so every CPU, thread count and
/// build mode (debug or release) gives the same bits. BLAS kernels differ per CPU type in
/// exactly this order (and in using FMA), which is why they are not used here.
public enum FixedOrderGEMM {
    /// Rows of C computed together.
    public static let tileRows = 4
    /// Columns of C computed together (two 8-lane vectors).
    public static let tileColumns = 16

    /// C = op(A) · op(B) + beta · C for row-major matrices; op is a transpose when asked.
    ///
    /// With `beta == 0`, C is only written, never read (it may hold garbage).
    public static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        let rowBlocks = (m + tileRows - 1) / tileRows
        let columnBlocks = (n + tileColumns - 1) / tileColumns
        let packedA = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(1, rowBlocks * k * tileRows))
        let packedB = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: Swift.max(1, columnBlocks * k * 2))
        defer {
            packedA.deallocate()
            packedB.deallocate()
        }
        // Rows of op(A) and columns of op(B), each a vector over p, in p-major blocks.
        pack(count: m, k: k, tile: tileRows, source: a,
             vectorStride: transposeA ? 1 : lda, elementStride: transposeA ? lda : 1, into: packedA)
        pack(count: n, k: k, tile: tileColumns, source: b,
             vectorStride: transposeB ? ldb : 1, elementStride: transposeB ? 1 : ldb,
             into: UnsafeMutableRawPointer(packedB).assumingMemoryBound(to: Float.self))
        for columnBlock in 0..<columnBlocks {
            let panelB = packedB + columnBlock * k * 2
            let j0 = columnBlock * tileColumns
            for rowBlock in 0..<rowBlocks {
                let i0 = rowBlock * tileRows
                tile(panelA: packedA + rowBlock * k * tileRows, panelB: panelB, k: k,
                     rows: Swift.min(tileRows, m - i0), columns: Swift.min(tileColumns, n - j0),
                     beta: beta, c: c + i0 * ldc + j0, ldc: ldc)
            }
        }
    }

    /// Copies `count` vectors of length k into blocks of `tile` vectors, stored p-major:
    /// out[(block·k + p)·tile + r] = element p of vector block·tile + r, which is at
    /// source[vector·vectorStride + p·elementStride]. Vectors past `count` are zero; the
    /// results they meet are never written.
    private static func pack(
        count: Int, k: Int, tile: Int, source: UnsafePointer<Float>, vectorStride: Int, elementStride: Int,
        into packed: UnsafeMutablePointer<Float>
    ) {
        let blocks = (count + tile - 1) / tile
        for block in 0..<blocks {
            let out = packed + block * k * tile
            for r in 0..<tile {
                let vector = block * tile + r
                if vector >= count {
                    for p in 0..<k { out[p * tile + r] = 0 }
                } else {
                    let start = source + vector * vectorStride
                    for p in 0..<k { out[p * tile + r] = start[p * elementStride] }
                }
            }
        }
    }

    /// One 4×16 tile of C: the sums over p in order, then `beta · C` added to the valid part.
    @inline(__always)
    private static func tile(
        panelA: UnsafePointer<Float>, panelB: UnsafePointer<SIMD8<Float>>, k: Int,
        rows: Int, columns: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        var s00 = SIMD8<Float>(), s01 = SIMD8<Float>()
        var s10 = SIMD8<Float>(), s11 = SIMD8<Float>()
        var s20 = SIMD8<Float>(), s21 = SIMD8<Float>()
        var s30 = SIMD8<Float>(), s31 = SIMD8<Float>()
        var pa = panelA
        var pb = panelB
        for _ in 0..<k {
            let b0 = pb[0], b1 = pb[1]
            let a0 = SIMD8<Float>(repeating: pa[0]), a1 = SIMD8<Float>(repeating: pa[1])
            let a2 = SIMD8<Float>(repeating: pa[2]), a3 = SIMD8<Float>(repeating: pa[3])
            // Each line is one rounded product then one rounded sum: no fused multiply-add.
            s00 = s00 + a0 * b0
            s01 = s01 + a0 * b1
            s10 = s10 + a1 * b0
            s11 = s11 + a1 * b1
            s20 = s20 + a2 * b0
            s21 = s21 + a2 * b1
            s30 = s30 + a3 * b0
            s31 = s31 + a3 * b1
            pa += tileRows
            pb += 2
        }
        store(s00, s01, into: c, columns: columns, beta: beta)
        if rows > 1 { store(s10, s11, into: c + ldc, columns: columns, beta: beta) }
        if rows > 2 { store(s20, s21, into: c + 2 * ldc, columns: columns, beta: beta) }
        if rows > 3 { store(s30, s31, into: c + 3 * ldc, columns: columns, beta: beta) }
    }

    /// Writes the first `columns` sums of one tile row (low then high lanes), adding `beta · C`.
    @inline(__always)
    private static func store(
        _ low: SIMD8<Float>, _ high: SIMD8<Float>, into row: UnsafeMutablePointer<Float>, columns: Int, beta: Float
    ) {
        for q in 0..<columns {
            let value = q < 8 ? low[q] : high[q - 8]
            row[q] = beta == 0 ? value : value + beta * row[q]
        }
    }
}
