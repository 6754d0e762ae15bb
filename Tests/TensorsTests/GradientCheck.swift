import Testing
import Tensors

/// Compares autograd's gradients with central finite differences.
///
/// The function's output is contracted with fixed random weights, so the check covers
/// the full vector-Jacobian product, not just the gradient of a sum.
func expectGradientsMatchFiniteDifferences(
    _ inputs: [Tensor], epsilon: Float = 1e-2, tolerance: Float = 2e-2,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ f: ([Tensor]) throws -> Tensor
) throws {
    for input in inputs { input.requiresGrad = true; input.grad = nil }
    let probe = try f(inputs)
    let weights = Tensor.randn(probe.shape, generator: Generator(seed: 99))
    func objective() throws -> Tensor { (try f(inputs) * weights).sum() }
    try objective().backward()
    for (n, input) in inputs.enumerated() {
        let analytic = try #require(input.grad, "input \(n) got no gradient", sourceLocation: sourceLocation).scalars
        let flat = input.data.reshape([-1])
        for i in 0..<input.count {
            let original = flat[i].item()
            flat[i].fill_(original + epsilon)
            let plus = try noGrad { try objective().item() }
            flat[i].fill_(original - epsilon)
            let minus = try noGrad { try objective().item() }
            flat[i].fill_(original)
            let numeric = (plus - minus) / (2 * epsilon)
            let scale = Swift.max(1, Swift.abs(numeric))
            #expect(
                Swift.abs(analytic[i] - numeric) <= tolerance * scale,
                "input \(n) element \(i): autograd \(analytic[i]) vs finite difference \(numeric)",
                sourceLocation: sourceLocation)
        }
    }
}

/// Seeded standard-normal test input.
func randomInput(_ shape: [Int], seed: UInt64) -> Tensor {
    Tensor.randn(shape, generator: Generator(seed: seed))
}

/// Seeded input in [low, high) (for functions defined on part of the line).
func uniformInput(_ shape: [Int], seed: UInt64, low: Float, high: Float) -> Tensor {
    Tensor.rand(shape, generator: Generator(seed: seed)) * (high - low) + low
}
