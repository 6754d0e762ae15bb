import Testing
import NN
import Tensors
import TestSupport

/// The notebook's first network definition: a Module subclass with a `hidden` Linear.
final class Net: Module {
    let hidden: Linear
    init(_ inputs: Int, _ outputs: Int) {
        hidden = Linear(inputs, outputs)
        super.init()
    }
    override func forward(_ x: Tensor) -> Tensor { hidden(x) }
}

/// The notebook's third definition: a subclass wrapping a Sequential.
final class Net2: Module {
    let hidden: Sequential
    init(_ inputs: Int, _ outputs: Int) {
        hidden = Sequential(Linear(inputs, outputs))
        super.init()
    }
    override func forward(_ x: Tensor) -> Tensor { hidden(x) }
}

@Suite struct ModuleTests {
    @Test func notebookThreeDefinitionsPrintTheSameOutput() {
        let weight = Tensor([[-0.0017, 0.0118]])
        let bias = Tensor([[0.0]])
        let net = Net(2, 1)
        net.hidden.weight.data = weight
        net.hidden.bias?.data = bias
        let net1 = Sequential(Linear(2, 1))
        net1[0].weight.data = weight
        net1[0].bias.data = bias
        let net2 = Net2(2, 1)
        net2.hidden[0].weight.data = weight
        net2.hidden[0].bias.data = bias
        let input = Tensor([[1.0, 2.0]])
        for model in [net, net1, net2] as [Module] {
            #expect(model(input).description == "tensor([[0.0219]], grad_fn=<AddmmBackward0>)")
        }
        let golden = Fixtures.golden["d_linear_2_1"]
        #expect(Golden.mismatch(net(input), golden["output"]) == nil)
    }

    @Test func dottedParameterNames() {
        let mlp = Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 10))
        #expect(mlp.namedParameters().map(\.name) == ["1.weight", "1.bias", "3.weight", "3.bias"])
        #expect(mlp.namedParameters().map(\.tensor.shape) == [[256, 784], [256], [10, 256], [10]])
        #expect(Net(2, 1).namedParameters().map(\.name) == ["hidden.weight", "hidden.bias"])
        #expect(Net2(2, 1).namedParameters().map(\.name) == ["hidden.0.weight", "hidden.0.bias"])
        #expect(Net2(2, 1).namedModules().map(\.name) == ["", "hidden", "hidden.0"])
        #expect(mlp.namedChildren().map(\.name) == ["0", "1", "2", "3"])
        #expect(mlp.parameters().allSatisfy { $0.requiresGrad && $0.isLeaf })
        #expect(Linear(3, 2, bias: false).namedParameters().map(\.name) == ["weight"])
    }

    @Test func reprsMatchPyTorch() {
        let reprs = Fixtures.extra["reprs"]
        #expect(Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 10)).description == reprs["mlp"].string)
        // The PyTorch class is called Net; ours Net2 (Net is the first definition).
        #expect(Net2(2, 1).description == reprs["net2"].string.map { "Net2" + $0.dropFirst(3) })
        let activations = Sequential(
            LeakyReLU(), LeakyReLU(negativeSlope: 0.2), Tanh(), Sigmoid(), Softmax(dim: 1),
            Dropout(), Dropout(p: 0.25), Identity(), Linear(3, 2, bias: false))
        #expect(activations.description == reprs["activations"].string)
        #expect(Sequential(Sequential(Linear(4, 3), ReLU()), Linear(3, 1)).description == reprs["nested"].string)
    }

    @Test func applyVisitsChildrenFirstThenSelf() {
        let net = Sequential(Linear(2, 2), Sequential(ReLU(), Linear(2, 1)))
        var visited: [String] = []
        net.apply { visited.append($0.typeName) }
        #expect(visited == ["Linear", "ReLU", "Linear", "Sequential", "Sequential"])
    }

    @Test func notebookInitCellsReinitialiseEveryLinear() throws {
        manualSeed(0)
        let net = Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 10))
        net.apply { module in
            if let linear = module as? Linear {
                Init.normal_(linear.weight, std: 0.01)
                if let bias = linear.bias { Init.normal_(bias, std: 0.01) }
            }
        }
        for (_, p) in net.namedParameters() {
            let std = ((p - p.mean()).pow(2).mean()).sqrt().item()
            #expect(std > 0.008 && std < 0.012)
        }
        for (_, child) in net.namedChildren() {
            if let bias = (child as? Linear)?.bias { Init.zeros_(bias) }
        }
        #expect(net[3].bias.scalars.allSatisfy { $0 == 0 })
    }

    @Test func trainEvalAndDropout() {
        let dropout = Dropout(p: 0.5, generator: Generator(seed: 1))
        let net = Sequential(Linear(4, 4), dropout)
        #expect(dropout.isTraining)
        let x = Tensor.ones([1000])
        let dropped = dropout(x).scalars
        #expect(Set(dropped) == [0, 2])
        let kept = dropped.filter { $0 != 0 }.count
        #expect(kept > 400 && kept < 600)
        net.eval()
        #expect(!dropout.isTraining)
        #expect(dropout(x).scalars == x.scalars)
        net.train()
        #expect(dropout.isTraining)
        let again = Dropout(p: 0.5, generator: Generator(seed: 1))(x).scalars
        #expect(again == dropped)
    }

    @Test func zeroGradSetsGradientsToNil() throws {
        let net = Linear(3, 2)
        try net(Tensor.ones([1, 3])).sum().backward()
        #expect(net.weight.grad != nil)
        net.zeroGrad(setToNone: false)
        #expect(net.weight.grad!.scalars.allSatisfy { $0 == 0 })
        net.zeroGrad()
        #expect(net.weight.grad == nil)
    }

    @Test func linearDefaultInitStaysWithinItsBound() {
        let layer = Linear(784, 256, generator: Generator(seed: 3))
        let bound = Float(1 / 784.0.squareRoot())
        #expect(layer.weight.scalars.allSatisfy { abs($0) <= bound })
        #expect(layer.bias!.scalars.allSatisfy { abs($0) <= bound })
        #expect(layer.weight.max().item() > 0.95 * bound)
    }

    @Test func stateDictRoundTrip() throws {
        let a = Sequential(Linear(3, 2), ReLU(), Linear(2, 1))
        let b = Sequential(Linear(3, 2), ReLU(), Linear(2, 1))
        #expect(a.stateDict().keys == ["0.weight", "0.bias", "2.weight", "2.bias"])
        let weight = b[0].weight
        try b.loadStateDict(a.stateDict())
        #expect(b[0].weight === weight)
        for (x, y) in zip(a.parameters(), b.parameters()) { #expect(x.scalars == y.scalars) }
    }

    @Test func loadStateDictReportsProblemsAndChangesNothing() throws {
        let model = Net(2, 1)
        let before = model.hidden.weight.scalars
        var bad = StateDict([("hidden.weight", Tensor.zeros([1, 3])), ("extra", Tensor.zeros([1]))])
        let error = #expect(throws: StateDictError.self) { try model.loadStateDict(bad) }
        #expect(error?.missingKeys == ["hidden.bias"])
        #expect(error?.unexpectedKeys == ["extra"])
        #expect(error?.sizeMismatches.first?.contains("size mismatch for hidden.weight") == true)
        #expect(error?.description.contains("Error(s) in loading state_dict for Net:") == true)
        #expect(model.hidden.weight.scalars == before)

        bad["hidden.weight"] = Tensor.ones([1, 2])
        let result = try model.loadStateDict(bad, strict: false)
        #expect(result.missingKeys == ["hidden.bias"])
        #expect(result.unexpectedKeys == ["extra"])
        #expect(model.hidden.weight.scalars == [1, 1])
    }
}
