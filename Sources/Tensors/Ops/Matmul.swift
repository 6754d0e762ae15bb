import COpenBLAS
import FixedOrderKernels

/// OpenBLAS settings shared by every matrix product.
public enum BLAS {
    /// The number of threads OpenBLAS uses for one product (process-wide, like `torch.set_num_threads`).
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(Swift.max(1, newValue))) }
    }

    /// The CPU kernel OpenBLAS picked, e.g. `Cooperlake`.
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// C = alpha · op(A) · op(B) + beta · C for row-major matrices (`cblas_sgemm`).
    @inline(__always)
    public static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

extension Tensor {
    /// Calls `body` with a BLAS view of this 2-D tensor: pointer, whether it is stored transposed, leading dim.
    ///
    /// Row-major and transposed (column-major) layouts, such as `w.t()`, are passed to BLAS
    /// as they are, with the transpose flag; other layouts are copied first.
    func withMatrixOperand<R>(_ body: (UnsafePointer<Float>, Bool, Int) -> R) -> R {
        usageCheck(rank == 2)
        let (rows, cols) = (shape[0], shape[1])
        if case .float(let s) = storage {
            if strides[1] == 1 || cols == 1, strides[0] >= Swift.max(cols, 1) || rows == 1 {
                let ld = rows == 1 ? Swift.max(cols, 1) : strides[0]
                return withExtendedLifetime(s) { body(s.base + offset, false, ld) }
            }
            if strides[0] == 1 || rows == 1, strides[1] >= Swift.max(rows, 1) || cols == 1 {
                let ld = cols == 1 ? Swift.max(rows, 1) : strides[1]
                return withExtendedLifetime(s) { body(s.base + offset, true, ld) }
            }
        }
        let copy = contiguousFloatStorage()
        return withExtendedLifetime(copy) { body(copy.base, false, Swift.max(cols, 1)) }
    }

    /// out (m×n) = op(a) · op(b) + beta · out, with op a logical transpose when asked.
    ///
    /// BLAS computes it, or, with deterministic algorithms on for this thread, `FixedOrderGEMM`.
    static func gemm(
        _ a: Tensor, transposed ta: Bool, _ b: Tensor, transposed tb: Bool,
        into out: UnsafeMutablePointer<Float>, beta: Float = 0
    ) {
        let m = ta ? a.shape[1] : a.shape[0]
        let k = ta ? a.shape[0] : a.shape[1]
        let n = tb ? b.shape[0] : b.shape[1]
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { out.update(repeating: 0, count: m * n) }
            return
        }
        a.withMatrixOperand { pa, storedA, lda in
            b.withMatrixOperand { pb, storedB, ldb in
                gemm(m: m, n: n, k: k, a: pa, transposed: storedA != ta, lda: lda,
                     b: pb, transposed: storedB != tb, ldb: ldb, into: out, ldc: n, beta: beta)
            }
        }
    }

    /// c (m×n, leading dim ldc) = op(a) · op(b) + beta · c on raw row-major buffers.
    ///
    /// The pointer form of `gemm` for kernels with their own scratch buffers (convolution):
    /// BLAS or, with deterministic algorithms on for this thread, `FixedOrderGEMM`, split
    /// over the compute pool when the product is large enough.
    ///
    /// Inside a chunk of the compute pool pass `alone`: the caller's deterministic setting
    /// (read on the caller's thread before sharing the work); the product then runs on the
    /// current thread only.
    static func gemm(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, transposed ta: Bool, lda: Int,
        b: UnsafePointer<Float>, transposed tb: Bool, ldb: Int,
        into c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0, alone deterministic: Bool? = nil
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { for r in 0..<m { (c + r * ldc).update(repeating: 0, count: n) } }
            return
        }
        let state = deterministic == nil ? ThreadState.current : nil
        let product = MatrixProduct(
            transposeA: ta, transposeB: tb, m: m, n: n, k: k,
            a: ChunkShared(a), lda: lda, b: ChunkShared(b), ldb: ldb, beta: beta, c: ChunkShared(c), ldc: ldc,
            deterministic: deterministic ?? state!.deterministic)
        if let pool = state?.pool, m * n * k >= MatrixProduct.parallelWork {
            product.run(on: pool)
        } else {
            product.compute(rows: 0..<m, columns: 0..<n)
        }
    }

    /// A gradient for `input` computed in `input`'s memory layout.
    ///
    /// `compute(true)` must return the transposed gradient (contiguous), which is then
    /// viewed transposed; `compute(false)` the gradient itself.
    static func productInLayout(of input: Tensor, _ compute: (Bool) -> Tensor) -> Tensor {
        let storedTransposed = input.rank == 2 && !input.isContiguous && input.strides[0] == 1
        return storedTransposed ? compute(true).swappedView(0, 1) : compute(false)
    }

    /// A new m×n tensor op(a) · op(b).
    static func product(_ a: Tensor, transposed ta: Bool, _ b: Tensor, transposed tb: Bool) -> Tensor {
        if promotesToFloat64(a, b) { return Float64Ops.product(a, transposed: ta, b, transposed: tb) }
        let m = ta ? a.shape[1] : a.shape[0]
        let n = tb ? b.shape[0] : b.shape[1]
        let out = Storage<Float>(uninitializedCount: m * n)  // beta 0: gemm writes every element
        gemm(a, transposed: ta, b, transposed: tb, into: out.base)
        return Tensor(floats: out, shape: [m, n])
    }

    /// The matrix product (`MmBackward0` for 2-D, `BmmBackward0` for a batch of 2-D).
    ///
    /// Supports 2-D × 2-D, 3-D × 3-D (same batch), 3-D × 2-D and 1-D operands (a vector).
    /// Traps with both shapes when the inner dims differ. Transposed views such as
    /// `w.t()` are handed to BLAS with a transpose flag, never copied.
    public func matmul(_ other: Tensor) -> Tensor {
        if rank >= 2, other.rank >= 2 {
            Float64Ops.requireSameFloatType(self, other, style: rank == 3 && other.rank == 3 ? .batchProduct : .matrixProduct)
        }
        switch (rank, other.rank) {
        case (2, 2):
            usageCheck(
                shape[1] == other.shape[0],
                "mat1 and mat2 shapes cannot be multiplied (\(shape[0])x\(shape[1]) and \(other.shape[0])x\(other.shape[1]))")
            let out = Tensor.product(self, transposed: false, other, transposed: false)
            let (needA, needB) = (requiresGrad, other.requiresGrad)
            return Tensor.record(out, name: "MmBackward0", inputs: [self, other]) { g in
                // Each gradient is laid out like its input, so a transposed view such as
                // w.t() gets a transposed gradient and w.grad ends up contiguous, uncopied.
                [needA ? Tensor.productInLayout(of: self) { t in
                    t ? Tensor.product(other, transposed: false, g, transposed: true)
                      : Tensor.product(g, transposed: false, other, transposed: true) } : nil,
                 needB ? Tensor.productInLayout(of: other) { t in
                    t ? Tensor.product(g, transposed: true, self, transposed: false)
                      : Tensor.product(self, transposed: true, g, transposed: false) } : nil]
            }
        case (1, 1):
            usageCheck(shape[0] == other.shape[0], "inconsistent tensor size, expected tensor [\(shape[0])] and src [\(other.shape[0])] to have the same number of elements, but got \(shape[0]) and \(other.shape[0]) elements respectively")
            // One node, as PyTorch's: the same products as before, recorded as `DotBackward0`.
            let out = noGrad { (self * other).sum() }
            return Tensor.record(out, name: "DotBackward0", inputs: [self, other]) { g in [g * other, g * self] }
        case (1, _):
            // As PyTorch: unsqueeze, mm, then an in-place squeeze (`SqueezeBackward4`).
            let product = try! unsqueeze(0).matmul(other)
            return product.squeezed(keeping: Array(0..<product.rank).filter { $0 != product.rank - 2 }, name: "SqueezeBackward4")
        case (_, 1):
            // One node, as PyTorch's `MvBackward0`: the matrix's gradient is g ⊗ v, the vector's Mᵀ·g,
            // the same products the unsqueeze–mm–squeeze route made.
            let column = try! other.unsqueeze(1)
            let out = noGrad { try! matmul(column).squeeze(dim: -1) }
            let (needMatrix, needVector) = (requiresGrad, other.requiresGrad)
            return Tensor.record(out, name: "MvBackward0", inputs: [self, other]) { g in
                let gColumn = try! g.unsqueeze(1)
                return [needMatrix ? Tensor.product(gColumn, transposed: false, column, transposed: true) : nil,
                        needVector ? try! Tensor.product(self, transposed: true, gColumn, transposed: false).squeeze(dim: -1) : nil]
            }
        case (3, 2):
            usageCheck(shape[2] == other.shape[0], "mat1 and mat2 shapes cannot be multiplied (\(shape[0] * shape[1])x\(shape[2]) and \(other.shape[0])x\(other.shape[1]))")
            return reshape([shape[0] * shape[1], shape[2]]).matmul(other).reshape([shape[0], shape[1], other.shape[1]])
        case (3, 3):
            return batchMatmul(other)
        default:
            usageFailure("matmul is not supported for shapes \(Shape.describe(shape)) and \(Shape.describe(other.shape))")
        }
    }

    /// A batch of matrix products, one per index of the first dim (`BmmBackward0`).
    private func batchMatmul(_ other: Tensor) -> Tensor {
        usageCheck(
            shape[0] == other.shape[0] && shape[2] == other.shape[1],
            "Expected size for first two dimensions of batch2 tensor to be: [\(shape[0]), \(shape[2])] but got: [\(other.shape[0]), \(other.shape[1])]; shapes \(Shape.describe(shape)) and \(Shape.describe(other.shape))")
        let (batch, m, n) = (shape[0], shape[1], other.shape[2])
        if dtype == .float64 { return Float64Ops.batchProduct(self, other) }
        func batched(_ a: Tensor, _ ta: Bool, _ b: Tensor, _ tb: Bool, rows: Int, cols: Int) -> Tensor {
            let out = Storage<Float>(uninitializedCount: batch * rows * cols)  // each gemm (beta 0) writes its block
            for i in 0..<batch {
                Tensor.gemm(a.select(0, i), transposed: ta, b.select(0, i), transposed: tb, into: out.base + i * rows * cols)
            }
            return Tensor(floats: out, shape: [batch, rows, cols])
        }
        let out = noGrad { batched(self, false, other, false, rows: m, cols: n) }
        let (needA, needB) = (requiresGrad, other.requiresGrad)
        let k = shape[2]
        return Tensor.record(out, name: "BmmBackward0", inputs: [self, other]) { g in
            [needA ? batched(g, false, other, true, rows: m, cols: k) : nil,
             needB ? batched(self, true, g, false, rows: k, cols: n) : nil]
        }
    }

    /// `bias + a · b` in one BLAS call (`AddmmBackward0`); `bias` broadcasts over rows.
    public static func addmm(_ bias: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        usageCheck(a.rank == 2 && b.rank == 2, "addmm expects 2-D matrices, got \(Shape.describe(a.shape)) and \(Shape.describe(b.shape))")
        usageCheck(a.shape[1] == b.shape[0], "mat1 and mat2 shapes cannot be multiplied (\(a.shape[0])x\(a.shape[1]) and \(b.shape[0])x\(b.shape[1]))")
        let (m, n) = (a.shape[0], b.shape[1])
        Float64Ops.requireSameFloatType(a, b, style: .matrixProduct)
        let out: Tensor
        if promotesToFloat64(a, b, bias) {
            out = noGrad { product(a, transposed: false, b, transposed: false) + bias }
        } else {
            out = biasRows(bias, rows: m, cols: n)
            gemm(a, transposed: false, b, transposed: false, into: out.mutableFloats, beta: 1)
        }
        let (needBias, needA, needB) = (bias.requiresGrad, a.requiresGrad, b.requiresGrad)
        let biasShape = bias.shape
        return record(out, name: "AddmmBackward0", inputs: [bias, a, b]) { g in
            [needBias ? g.sumTo(biasShape) : nil,
             needA ? product(g, transposed: false, b, transposed: true) : nil,
             needB ? product(a, transposed: true, g, transposed: false) : nil]
        }
    }

    /// PyTorch's `F.linear`: `input · weightᵀ + bias` as one fused addmm (`AddmmBackward0` on `TBackward0`).
    ///
    /// `weight` is [out, in] and is read transposed by BLAS, never copied. Inputs with more
    /// than two dims are treated as a batch of rows. The input's gradient is computed only
    /// if it requires one (a network's first layer skips it).
    public static func linear(_ input: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        usageCheck(weight.rank == 2, "linear: weight must be 2-D, got \(Shape.describe(weight.shape))")
        if input.rank != 2 {
            let rows = input.reshape([-1, input.shape.last ?? 1])
            return linear(rows, weight: weight, bias: bias).reshape(Array(input.shape.dropLast()) + [weight.shape[0]])
        }
        usageCheck(
            input.shape[1] == weight.shape[1],
            "mat1 and mat2 shapes cannot be multiplied (\(input.shape[0])x\(input.shape[1]) and \(weight.shape[1])x\(weight.shape[0]))")
        let (m, n) = (input.shape[0], weight.shape[0])
        Float64Ops.requireSameFloatType(input, weight, style: .matrixProduct)
        let out: Tensor
        if promotesToFloat64(input, weight) {
            out = noGrad { Float64Ops.affine(input, weight: weight, bias: bias) }
        } else if let bias {
            out = biasRows(bias, rows: m, cols: n)
            gemm(input, transposed: false, weight, transposed: true, into: out.mutableFloats, beta: 1)
        } else {
            out = product(input, transposed: false, weight, transposed: true)
        }
        let needInput = input.requiresGrad, needWeight = weight.requiresGrad, needBias = bias?.requiresGrad ?? false
        // As in PyTorch, the product's input is `weight.t()` (a TBackward0 node between it and the
        // weight). Its gradient is the [out, in] product viewed transposed, so that TBackward0 hands
        // the weight a contiguous gradient again without a copy.
        let weightTransposed = weight.t()
        let inputs = bias.map { [$0, input, weightTransposed] } ?? [input, weightTransposed]
        let biasShape = bias?.shape ?? []
        let hasBias = bias != nil
        return record(out, name: bias == nil ? "MmBackward0" : "AddmmBackward0", inputs: inputs) { g in
            let gInput = needInput ? product(g, transposed: false, weight, transposed: false) : nil
            let gWeight = needWeight ? product(g, transposed: true, input, transposed: false).swappedView(0, 1) : nil
            if !hasBias { return [gInput, gWeight] }
            return [needBias ? g.sumTo(biasShape) : nil, gInput, gWeight]
        }
    }

    /// A new rows×cols tensor whose every row is `bias` (broadcast like PyTorch).
    private static func biasRows(_ bias: Tensor, rows: Int, cols: Int) -> Tensor {
        if bias.count == cols, bias.rank <= 1 {
            let storage = bias.withFloats { b in
                Storage<Float>(count: rows * cols) { out in
                    for r in 0..<rows { (out.baseAddress! + r * cols).update(from: b, count: cols) }
                }
            }
            return Tensor(floats: storage, shape: [rows, cols])
        }
        let out = Tensor.zeros([rows, cols])
        _ = noGrad { out.copy_(bias) }
        return out
    }
}
