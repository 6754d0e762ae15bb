import Testing
import NN
import Tensors

/// `orthogonal_` with deterministic algorithms: Householder QR in a fixed order, giving LAPACK's Q.
@Suite struct DeterministicOrthogonalTests {
    @Test(arguments: [[6, 4], [4, 6], [5, 2, 3], [40, 100], [1, 7]])
    func matchesLAPACKAndIsOrthonormal(shape: [Int]) throws {
        let lapack = Tensor.zeros(shape)
        try Init.orthogonal_(lapack, gain: 2, generator: Generator(seed: 21))
        let fixed = Tensor.zeros(shape)
        try withDeterministicAlgorithms { () throws -> Void in
            try Init.orthogonal_(fixed, gain: 2, generator: Generator(seed: 21))
        }
        // The same normal matrix and sign convention: the same Q up to single-precision rounding.
        let worst = zip(lapack.scalars, fixed.scalars).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-4, "largest difference from LAPACK's Q: \(worst)")
        let m = fixed.reshape([shape[0], -1])
        let gram = m.shape[0] < m.shape[1] ? m.matmul(m.t()) : m.t().matmul(m)
        for i in 0..<gram.shape[0] {
            for j in 0..<gram.shape[0] {
                #expect(abs(gram[i, j].item() - (i == j ? 4 : 0)) < 1e-4)
            }
        }
    }

}
