import Foundation
import Testing
import Checkpoints
import NN
import Optim
import Tensors

/// The README's library examples, as written there, must compile and run.
@Suite struct ReadmeExampleTests {
    final class Net: Module {
        let hidden = Linear(2, 1)
        override func forward(_ x: Tensor) -> Tensor { hidden(x) }
    }

    @Test func networksInitLossesAndOptimizers() throws {
        let net = Net()
        net.hidden.weight.data = Tensor([[-0.0017, 0.0118]])
        net.hidden.bias?.data = Tensor([0.0])
        #expect(net(Tensor([[1.0, 2.0]])).description == "tensor([[0.0219]], grad_fn=<AddmmBackward0>)")

        manualSeed(0)
        let mlp = Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 10))
        #expect(mlp.namedParameters().map(\.name) == ["1.weight", "1.bias", "3.weight", "3.bias"])
        mlp.apply { module in
            if let linear = module as? Linear {
                Init.normal_(linear.weight, std: 0.01)
                Init.zeros_(linear.bias!)
            }
        }
        try Init.kaimingUniform_(mlp[1].weight, mode: .fanIn, nonlinearity: .relu)

        let x = Tensor.rand([64, 1, 28, 28]), y = Tensor.randint(0, 10, [64])
        let optimizer = Adam(mlp.parameters(), lr: 1e-3)
        let loss = CrossEntropyLoss()(mlp(x), y)
        optimizer.zeroGrad()
        try loss.backward()
        optimizer.step()
        #expect(CrossEntropyLoss()(mlp(x), y).item() < loss.item())

        let folder = Fixtures.temporaryDirectory()
        try mlp.saveStateDict(to: folder.appendingPathComponent("mlp.safetensors"))
        try mlp.saveStateDict(to: folder.appendingPathComponent("mlp.pth"))
        try mlp.loadStateDict(from: folder.appendingPathComponent("mlp.pth"))
        try ModelFile.save(mlp, to: folder.appendingPathComponent("whole.safetensors"))
        let rebuilt = try ModelFile.load(from: folder.appendingPathComponent("whole.safetensors"))
        #expect(rebuilt.description == mlp.description)
    }

    /// README, "float64 and gradcheck".
    @Test func float64AndGradcheck() throws {
        let layer = Linear(2, 1).double()
        noGrad {
            layer.weight.copy_(Tensor(shape: [1, 2], float64Scalars: [-0.0017, 0.0118]))
            layer.bias!.zero_()
        }
        let out = layer(Tensor([[1.0, 2.0]]).double())
        #expect(out.description == "tensor([[0.0219]], dtype=torch.float64, grad_fn=<AddmmBackward0>)")
        #expect(out.doubleItem() == 0.0219)

        let a = Tensor.randn([3, 4], generator: Generator(seed: 0)).double().requiresGrad_()
        let b = Tensor.randn([4, 2], generator: Generator(seed: 1)).double().requiresGrad_()
        let passed = try gradcheck({ try $0[0].matmul($0[1]).tanh().logSoftmax(dim: 1) }, [a, b])
        #expect(passed)

        let error = #expect(throws: GradcheckError.self) {
            try gradcheck({ $0[0].exp() }, [Tensor.ones([2], requiresGrad: true)])
        }
        #expect(error?.description.hasPrefix("Input #0 requires gradient and is not a double precision floating point (it is torch.float32).") == true)
    }
}
