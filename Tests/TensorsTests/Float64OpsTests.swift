import Testing
import Tensors

/// The float64 forms of `where`, the comparisons and the random fills.
@Suite struct Float64OpsTests {
    @Test func whereKeepsFloat64AndItsGradients() throws {
        let condition = Tensor(shape: [2, 3], int64Scalars: [1, 0, 1, 0, 0, 1]).to(.bool)
        let input = Tensor(shape: [2, 3], float64Scalars: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]).requiresGrad_()
        let other = Tensor(shape: [3], float64Scalars: [-1, -2, -3]).requiresGrad_()
        let chosen = Tensor.where(condition, input, other)
        #expect(chosen.dtype == .float64 && chosen.gradFn?.name == "WhereBackward0")
        #expect(chosen.float64Scalars == [0.1, -2, 0.3, -1, -2, 0.6])
        #expect(try gradcheck({ Tensor.where(condition, $0[0], $0[1]) }, [input, other]))
        // float32 beside float64 promotes, and the float32 side's gradient comes back in float32.
        let single = Tensor(shape: [3], scalars: [7, 8, 9]).requiresGrad_()
        let mixed = Tensor.where(condition, input, single)
        #expect(mixed.dtype == .float64)
        try mixed.sum().backward()
        #expect(single.grad?.dtype == .float32 && single.grad?.scalars == [1, 2, 0])
    }

    /// conv2d and batch norm refuse a float32/float64 mix with PyTorch 2.15's messages (thrown, not a stop).
    @Test func convolutionAndBatchNormRefuseMixedFloatTypes() {
        let single = Tensor.ones([1, 1, 3, 3]), double = Tensor.ones([1, 1, 3, 3], dtype: .float64)
        let (weight, weight64) = (Tensor.ones([1, 1, 2, 2]), Tensor.ones([1, 1, 2, 2], dtype: .float64))
        func message(_ body: () throws -> Tensor) -> String? {
            do { _ = try body(); return nil } catch { return "\(error)" }
        }
        #expect(message { try Tensor.conv2d(single, weight: weight64) } == "expected scalar type Float but found Double")
        #expect(message { try Tensor.conv2d(double, weight: weight) } == "expected scalar type Double but found Float")
        #expect(message { try Tensor.conv2d(single, weight: weight, bias: Tensor.ones([1], dtype: .float64)) }
            == "Input type (float) and bias type (double) should be the same")
        let rows = Tensor.ones([2, 3]), rows64 = Tensor.ones([2, 3], dtype: .float64)
        #expect(message { try Tensor.batchNorm(rows64, runningMean: Tensor.zeros([3]), runningVar: Tensor.ones([3]), training: true) }
            == "mixed dtype (CPU): all inputs must share same datatype.")
        #expect(message { try Tensor.batchNorm(rows, runningMean: Tensor.zeros([3], dtype: .float64), runningVar: Tensor.ones([3]), training: false) }
            == "mixed dtype (CPU): expect parameter to have scalar type of Float")
        #expect(message { try Tensor.batchNorm(rows64, runningMean: Tensor.zeros([3], dtype: .float64), runningVar: Tensor.ones([3], dtype: .float64),
                                               weight: Tensor.ones([3]), training: true) }
            == "mixed dtype (CPU): expect parameter to have scalar type of Float")
        #expect(message { try Tensor.batchNorm(rows, runningMean: Tensor.zeros([3], dtype: .float64), runningVar: Tensor.ones([3], dtype: .float64),
                                               weight: Tensor.ones([3]), training: false) }
            == "expected scalar type Float but found Double")
        #expect(message { try Tensor.batchNorm(rows64, runningMean: nil, runningVar: nil, weight: Tensor.ones([3], dtype: .float64), training: true) } == nil)
    }

    @Test func comparisonsSeeEveryBitOfADouble() {
        let x = Tensor(shape: [3], float64Scalars: [1, 1 + 1e-12, 0.1])
        let one = Tensor(float64: 1)
        #expect(x.eq(one).int64Scalars == [1, 0, 0])
        #expect(x.gt(one).int64Scalars == [0, 1, 0])
        #expect(x.le(one).int64Scalars == [1, 0, 1])
        #expect(x.eq(0.1).int64Scalars == [0, 0, 1], "0.1 is the double 0.1 beside a float64 tensor")
        #expect(x.lt(1).dtype == .bool)
    }

    @Test func randomFillsDrawLikeFloat32InDoublePrecision() {
        let (wide, narrow) = (Tensor.zeros([500], dtype: .float64), Tensor.zeros([500]))
        wide.uniform_(-1, 2, generator: Generator(seed: 3))
        narrow.uniform_(-1, 2, generator: Generator(seed: 3))
        #expect(wide.dtype == .float64 && wide.float64Scalars.allSatisfy { (-1.0..<2.0).contains($0) })
        #expect(zip(wide.float64Scalars, narrow.scalars).allSatisfy { Float($0) == $1 || abs($0 - Double($1)) < 1e-6 })
        wide.normal_(mean: 1, std: 0.5, generator: Generator(seed: 4))
        narrow.normal_(mean: 1, std: 0.5, generator: Generator(seed: 4))
        #expect(zip(wide.float64Scalars, narrow.scalars).allSatisfy { abs($0 - Double($1)) < 1e-6 })
        #expect(Set(wide.float64Scalars).count == 500, "distinct draws")
        wide.bernoulli_(0.3, generator: Generator(seed: 5))
        narrow.bernoulli_(0.3, generator: Generator(seed: 5))
        #expect(wide.float64Scalars == narrow.scalars.map(Double.init))
    }

    @Test func factoriesTakeADtype() {
        let steps = Tensor.linspace(0, 1, steps: 4, dtype: .float64)
        #expect(steps.dtype == .float64 && steps.float64Scalars == [0, 1.0 / 3, 1 - 1.0 / 3, 1], "the second half counted from the end, as PyTorch")
        #expect(Tensor.linspace(-1, 1, steps: 5).scalars == [-1, -0.5, 0, 0.5, 1])
        let identity = Tensor.eye(2, 3, dtype: .float64, requiresGrad: true)
        #expect(identity.dtype == .float64 && identity.isLeaf && identity.float64Scalars == [1, 0, 0, 0, 1, 0])
        let uniform = Tensor.rand([400], generator: Generator(seed: 6), dtype: .float64)
        #expect(uniform.dtype == .float64 && uniform.float64Scalars.allSatisfy { (0.0..<1.0).contains($0) })
        let normal = Tensor.randn([400], generator: Generator(seed: 7), dtype: .float64, requiresGrad: true)
        let single = Tensor.randn([400], generator: Generator(seed: 7))
        #expect(normal.requiresGrad && zip(normal.float64Scalars, single.scalars).allSatisfy { Float($0) == $1 })
    }
}
