import COpenBLAS

// float64 matrix products (`cblas_dgemm`) and PyTorch's refusal of mixed float32/float64 products.

extension Float64Ops {
    /// A new m×n float64 tensor op(a) · op(b) from `cblas_dgemm` on contiguous copies.
    static func product(_ a: Tensor, transposed ta: Bool, _ b: Tensor, transposed tb: Bool) -> Tensor {
        let m = ta ? a.shape[1] : a.shape[0]
        let k = ta ? a.shape[0] : a.shape[1]
        let n = tb ? b.shape[0] : b.shape[1]
        let out = Storage<Double>(repeating: 0, count: m * n)
        if m > 0, n > 0, k > 0 {
            a.withDoubles { pa in
                b.withDoubles { pb in
                    cblas_dgemm(
                        CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), 1, pa, Int32(a.shape[1]), pb, Int32(b.shape[1]),
                        0, out.base, Int32(n))
                }
            }
        }
        return Tensor(doubles: out, shape: [m, n])
    }

    /// `input · weightᵀ (+ bias rows)`, untracked: the forward of a float64 `linear`.
    static func affine(_ input: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let product = product(input, transposed: false, weight, transposed: true)
        return bias.map { product + $0 } ?? product
    }

    /// Stops with PyTorch's message when a product mixes float32 and float64 (PyTorch does not
    /// promote matrix products, convolutions or class weights).
    ///
    /// `style` picks the wording of the op PyTorch would name: `mm`/`linear`, `bmm`, or the
    /// scalar-type check of convolution and cross-entropy (first operand's type expected).
    static func requireSameFloatType(_ first: Tensor, _ second: Tensor, style: MixedTypeMessage) {
        if let error = mixedFloatTypes(first, second, style: style) { usageFailure(error.message) }
    }

    /// PyTorch's error for a float32/float64 pair in an op that refuses one, or nil when they agree.
    static func mixedFloatTypes(_ first: Tensor, _ second: Tensor, style: MixedTypeMessage) -> TensorError? {
        guard first.dtype.isFloatingPoint, second.dtype.isFloatingPoint, first.dtype != second.dtype else { return nil }
        return TensorError(style.text(first.dtype, second.dtype))
    }

    /// How PyTorch words a float32/float64 mix in the ops that refuse one.
    enum MixedTypeMessage {
        /// `mm`, `addmm`, `linear`: "expected m1 and m2 to have the same dtype, but got: float != double".
        case matrixProduct
        /// `bmm`: "self and mat2 must have the same dtype, but got Float and Double".
        case batchProduct
        /// convolution, cross-entropy weights: "expected scalar type Float but found Double".
        case scalarType
        /// a convolution's bias: "Input type (float) and bias type (double) should be the same".
        case convolutionBias
        /// batch norm on a float64 input with float32 statistics or affine parameters.
        case batchNormParameters

        /// The message for operands of types `first` and `second`.
        func text(_ first: DType, _ second: DType) -> String {
            func lower(_ t: DType) -> String { t == .float64 ? "double" : "float" }
            func upper(_ t: DType) -> String { t == .float64 ? "Double" : "Float" }
            switch self {
            case .matrixProduct: return "expected m1 and m2 to have the same dtype, but got: \(lower(first)) != \(lower(second))"
            case .batchProduct: return "self and mat2 must have the same dtype, but got \(upper(first)) and \(upper(second))"
            case .scalarType: return "expected scalar type \(upper(first)) but found \(upper(second))"
            case .convolutionBias: return "Input type (\(lower(first))) and bias type (\(lower(second))) should be the same"
            case .batchNormParameters: return "mixed dtype (CPU): all inputs must share same datatype."
            }
        }
    }
}

extension Float64Ops {
    /// A batch of float64 matrix products, one per index of the first dim (`BmmBackward0`).
    static func batchProduct(_ a: Tensor, _ b: Tensor) -> Tensor {
        func batched(_ x: Tensor, _ tx: Bool, _ y: Tensor, _ ty: Bool) -> Tensor {
            try! Tensor.stack((0..<x.shape[0]).map { product(x.select(0, $0), transposed: tx, y.select(0, $0), transposed: ty) })
        }
        let out = noGrad { batched(a, false, b, false) }
        let (needA, needB) = (a.requiresGrad, b.requiresGrad)
        return Tensor.record(out, name: "BmmBackward0", inputs: [a, b]) { g in
            [needA ? batched(g, false, b, true) : nil, needB ? batched(a, true, g, false) : nil]
        }
    }
}
