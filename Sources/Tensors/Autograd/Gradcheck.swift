/// Checks `function`'s gradients against finite differences, PyTorch's `torch.autograd.gradcheck`.
///
/// For every input that requires a gradient (each must be float64) and every output, the
/// numerical Jacobian — central differences `(f(x + eps) − f(x − eps)) / 2·eps`, one input
/// element at a time — is compared with the analytical one that backward gives (one
/// vector-Jacobian product per output element) within `|analytical − numerical| ≤ atol +
/// rtol·|numerical|` (`torch.allclose`). Both Jacobians are [input elements, output elements].
/// As in PyTorch, backward must also give the same bits when run twice (it is reentrant).
///
/// `function` runs on stand-ins of the inputs (leaves sharing their memory), so the inputs'
/// own `grad` is untouched; the inputs' values are perturbed during the check and restored.
/// - Returns: true when every Jacobian matches; false on a mismatch if `raiseException` is false.
/// - Throws: `GradcheckError` (with `raiseException`) naming the output, the input and the
///   worst element; also when no input requires a gradient or one that does is not float64.
///   Errors `function` throws are passed on.
@discardableResult
public func gradcheck(
    _ function: ([Tensor]) throws -> [Tensor], _ inputs: [Tensor],
    eps: Double = 1e-6, atol: Double = 1e-5, rtol: Double = 1e-3, raiseException: Bool = true
) throws -> Bool {
    do {
        try Gradcheck.run(function, inputs, eps: eps, tolerance: (atol, rtol))
        return true
    } catch is GradcheckError where !raiseException {
        return false
    }
}

/// `gradcheck` for a function of one output.
@discardableResult
public func gradcheck(
    _ function: ([Tensor]) throws -> Tensor, _ inputs: [Tensor],
    eps: Double = 1e-6, atol: Double = 1e-5, rtol: Double = 1e-3, raiseException: Bool = true
) throws -> Bool {
    try gradcheck({ [try function($0)] }, inputs, eps: eps, atol: atol, rtol: rtol, raiseException: raiseException)
}

/// The steps of `gradcheck`. A Jacobian is stored row-major as [input element][output element].
enum Gradcheck {
    /// Checks every input that requires a gradient against every output; throws on the first failure.
    static func run(
        _ function: ([Tensor]) throws -> [Tensor], _ inputs: [Tensor], eps: Double, tolerance: (atol: Double, rtol: Double)
    ) throws {
        let checked = inputs.indices.filter { inputs[$0].requiresGrad }
        guard !checked.isEmpty else {
            throw GradcheckError("gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.")
        }
        for i in checked where inputs[i].dtype != .float64 {
            throw GradcheckError(
                "Input #\(i) requires gradient and is not a double precision floating point (it is \(inputs[i].dtype)). gradcheck needs float64 inputs: finite differences in float32 are too coarse for its tolerances (convert with double()).",
                inputIndex: i)
        }
        let standIns = inputs.map { $0.requiresGrad ? $0.detach().requiresGrad_() : $0 }
        let outputs = try function(standIns)
        let numerical = try checked.map { try numericalJacobians(function, standIns, input: $0, eps: eps) }
        for (k, output) in outputs.enumerated() where output.dtype.isFloatingPoint {
            let analytical = try analyticalJacobians(output, standIns, checked)
            for (position, i) in checked.enumerated() {
                try compare(analytical[position], numerical[position][k], outputIndex: k, inputIndex: i,
                            shape: [standIns[i].count, output.count], tolerance: tolerance)
            }
            guard try analyticalJacobians(output, standIns, checked) == analytical else {
                throw GradcheckError(
                    "Backward is not reentrant, i.e., running backward with same input and grad_output multiple times gives different values, although analytical gradient matches numerical gradient.The tolerance for nondeterminism was 0.0.",
                    outputIndex: k)
            }
        }
    }

    /// Each output's numerical Jacobian with respect to `inputs[input]`, by central differences.
    static func numericalJacobians(_ function: ([Tensor]) throws -> [Tensor], _ inputs: [Tensor], input: Int, eps: Double) throws -> [[Double]] {
        let x = inputs[input]
        let original = x.float64Scalars
        func set(_ j: Int, _ value: Double) { x.mutateDoubles { p, _ in p[j] = value } }
        func evaluate() throws -> [[Double]] { try noGrad { try function(inputs) }.map(\.float64Scalars) }
        var jacobians: [[Double]] = []
        for j in original.indices {
            let (minus, plus): ([[Double]], [[Double]])
            do {
                set(j, original[j] - eps)
                minus = try evaluate()
                set(j, original[j] + eps)
                plus = try evaluate()
                set(j, original[j])
            } catch {
                set(j, original[j])
                throw error
            }
            if jacobians.isEmpty { jacobians = plus.map { [Double](repeating: 0, count: $0.count * original.count) } }
            for (k, (a, b)) in zip(minus, plus).enumerated() {
                for m in a.indices { jacobians[k][j * a.count + m] = (b[m] - a[m]) / (2 * eps) }
            }
        }
        return jacobians
    }

    /// The analytical Jacobian of `output` with respect to each of `inputs[checked]`.
    ///
    /// Backward with each one-hot gradient in turn; zero where `output` does not depend on the inputs.
    static func analyticalJacobians(_ output: Tensor, _ inputs: [Tensor], _ checked: [Int]) throws -> [[Double]] {
        let n = output.count
        var jacobians = checked.map { [Double](repeating: 0, count: inputs[$0].count * n) }
        guard output.requiresGrad else { return jacobians }
        // An input returned as it is has no node to run backward from: give it one.
        let tracked = output.gradFn == nil ? output + 0 : output
        defer { for i in checked { inputs[i].grad = nil } }
        for m in 0..<n {
            for i in checked { inputs[i].grad = nil }
            var oneHot = [Double](repeating: 0, count: n)
            oneHot[m] = 1
            try tracked.backward(Tensor(shape: output.shape, float64Scalars: oneHot).to(output.dtype), retainGraph: true)
            for (position, i) in checked.enumerated() {
                guard let grad = inputs[i].grad else { continue }
                for (j, value) in grad.float64Scalars.enumerated() { jacobians[position][j * n + m] = value }
            }
        }
        return jacobians
    }

    /// Throws PyTorch's mismatch error, with the worst element, unless the two Jacobians are close.
    ///
    /// Both are [input elements, output elements] (`shape`); close is `torch.allclose`'s test.
    static func compare(
        _ analytical: [Double], _ numerical: [Double], outputIndex: Int, inputIndex: Int, shape: [Int],
        tolerance: (atol: Double, rtol: Double)
    ) throws {
        var worst: (index: Int, excess: Double)?
        for (e, (a, b)) in zip(analytical, numerical).enumerated() where a != b {
            let excess = Swift.abs(a - b) - (tolerance.atol + tolerance.rtol * Swift.abs(b))
            guard !(excess <= 0) else { continue }
            let measure = excess.isNaN ? Double.infinity : excess
            if measure > worst?.excess ?? -1 { worst = (e, measure) }
        }
        guard let worst else { return }
        let outputs = shape[1]
        let (a, b) = (analytical[worst.index], numerical[worst.index])
        let element = GradcheckError.Element(
            inputElement: worst.index / outputs, outputElement: worst.index % outputs, numerical: b, analytical: a)
        let bound = tolerance.atol + tolerance.rtol * Swift.abs(b)
        throw GradcheckError(
            """
            Jacobian mismatch for output \(outputIndex) with respect to input \(inputIndex),
            numerical:\(Tensor(shape: shape, float64Scalars: numerical))
            analytical:\(Tensor(shape: shape, float64Scalars: analytical))
            worst element: output \(outputIndex) element \(element.outputElement) with respect to input \(inputIndex) element \(element.inputElement): numerical \(b), analytical \(a), |difference| \(Swift.abs(a - b)) > atol + rtol·|numerical| = \(bound)

            """,
            outputIndex: outputIndex, inputIndex: inputIndex, worst: element)
    }
}
