import Testing
import NN
import Optim
import Tensors
import TestSupport

/// Modules in float64: `double()` / `float()`, the notebook's Linear against PyTorch's float64
/// values, and `gradcheck` through whole modules (input and every parameter).
@Suite struct Float64ModuleTests {
    @Test func doubleConvertsParametersAndFloatingBuffersOnly() {
        let net = Sequential(Linear(3, 2), BatchNorm1d(2))
        net.double()
        #expect(net.parameters().allSatisfy { $0.dtype == .float64 && $0.requiresGrad && $0.isLeaf })
        #expect(net.namedBuffers().map(\.tensor.dtype) == [.float64, .float64, .int64])
        net.float()
        #expect(net.parameters().allSatisfy { $0.dtype == .float32 && $0.requiresGrad })
        #expect(net.namedBuffers().map(\.tensor.dtype) == [.float32, .float32, .int64])
    }

    @Test func initialisersFillFloat64Tensors() throws {
        let layer = Linear(4, 3).double()
        layer.resetParameters(generator: Generator(seed: 7))
        #expect(layer.weight.dtype == .float64 && layer.weight.float64Scalars.allSatisfy { abs($0) <= 0.5 })
        #expect(Set(layer.weight.float64Scalars).count == 12)
        let square = Tensor.zeros([3, 3], dtype: .float64)
        try Init.eye_(square)
        #expect(square.float64Scalars == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        try Init.orthogonal_(square, generator: Generator(seed: 8))
        let product = square.matmul(square.t()).float64Scalars
        #expect(zip(product, [1.0, 0, 0, 0, 1, 0, 0, 0, 1]).allSatisfy { abs($0 - $1) < 1e-5 })
        try Init.truncNormal_(square, a: -0.5, b: 0.5, generator: Generator(seed: 9))
        #expect(square.dtype == .float64 && square.float64Scalars.allSatisfy { abs($0) <= 0.5 })
    }

    @Test func notebookLinearMatchesPyTorchInFloat64() throws {
        let golden = Fixtures.golden["d_linear_2_1_float64"]
        let layer = Linear(2, 1).double()
        noGrad {
            layer.weight.copy_(Golden.tensor(golden["weight"]))
            layer.bias!.copy_(Golden.tensor(golden["bias"]))
        }
        let out = layer(Golden.tensor(golden["input"]))
        #expect(out.description == "tensor([[0.0219]], dtype=torch.float64, grad_fn=<AddmmBackward0>)")
        #expect(Golden.mismatch(out, golden["output"]) == nil)
        try out.backward(Tensor.onesLike(out))
        #expect(Golden.mismatch(try #require(layer.weight.grad), golden["grad_weight"]) == nil)
        #expect(Golden.mismatch(try #require(layer.bias?.grad), golden["grad_bias"]) == nil)
    }

    /// `gradcheck` of `module` with respect to `input` and every parameter: the parameters go
    /// in as gradcheck's inputs and are set back on their modules on every call.
    func gradcheckModule(_ module: Module, _ input: Tensor) throws -> Bool {
        let owners = module.modules().flatMap { owner in owner.directParameters().map { (owner, $0.name, $0.tensor) } }
        return try gradcheck({ values in
            for (k, (owner, name, _)) in owners.enumerated() { owner.setDirectParameter(name, to: values[k + 1]) }
            return module(values[0])
        }, [input] + owners.map(\.2))
    }

    /// A seeded float64 input that requires a gradient.
    func input(_ shape: [Int], seed: UInt64) -> Tensor {
        Tensor.randn(shape, generator: Generator(seed: seed)).double().requiresGrad_()
    }

    @Test func gradcheckPassesThroughLayers() throws {
        let generator = Generator(seed: 5)
        #expect(try gradcheckModule(Linear(4, 3, generator: generator).double(), input([2, 4], seed: 1)))
        #expect(try gradcheckModule(Sequential(Linear(4, 5, generator: generator), Tanh(), Linear(5, 2, generator: generator)).double(),
                                    input([3, 4], seed: 2)))
        let conv = try Conv2d(2, 4, kernelSize: 3, stride: 2, padding: .explicit(Pair2d(1)), paddingMode: .reflect)
        #expect(try gradcheckModule(conv.double(), input([2, 2, 5, 4], seed: 3)))
        let norm = BatchNorm2d(3).double()
        noGrad { _ = norm.weight!.copy_(Tensor(shape: [3], float64Scalars: [0.5, 1.5, -1])) }
        #expect(try gradcheckModule(norm, input([2, 3, 2, 3], seed: 4)))
        norm.eval()
        #expect(try gradcheckModule(norm, input([2, 3, 2, 3], seed: 5)))
    }

    /// Each optimizer steps float64 parameters in float64 (state included), following its float32 steps closely.
    @Test(arguments: ["sgd", "adam", "rmsprop"])
    func optimizersStepFloat64Parameters(_ name: String) throws {
        func run(_ dtype: DType) throws -> (weight: Tensor, state: [Tensor]) {
            let layer = Linear(3, 2, generator: Generator(seed: 11))
            if dtype == .float64 { layer.double() }
            let optimizer: Optimizer = switch name {
            case "sgd": SGD(layer.parameters(), lr: 0.1, momentum: 0.9, weightDecay: 1e-2, nesterov: true)
            case "adam": Adam(layer.parameters(), lr: 0.05, weightDecay: 1e-2, amsgrad: true)
            default: RMSprop(layer.parameters(), lr: 0.01, weightDecay: 1e-2, momentum: 0.5, centered: true)
            }
            let x = Tensor(shape: [4, 3], float64Scalars: (0..<12).map { Double($0) / 7 - 0.8 }).to(dtype)
            for _ in 0..<3 {
                optimizer.zeroGrad()
                try layer(x).tanh().pow(2).mean().backward()
                optimizer.step()
            }
            let state: [Tensor] = switch optimizer {
            case let sgd as SGD: sgd.momentumBuffers.compactMap { $0 }
            case let adam as Adam: adam.expAvg + adam.expAvgSq
            case let rms as RMSprop: rms.squareAvg + rms.momentumBuffers
            default: []
            }
            return (layer.weight, state)
        }
        let (wide, narrow) = (try run(.float64), try run(.float32))
        #expect(wide.weight.dtype == .float64 && wide.state.allSatisfy { $0.dtype == .float64 } && !wide.state.isEmpty)
        #expect(zip(wide.weight.float64Scalars, narrow.weight.scalars).allSatisfy { abs($0 - Double($1)) < 1e-5 })
    }
}
