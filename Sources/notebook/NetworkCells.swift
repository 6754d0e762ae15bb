import NN
import Tensors

/// 定义一: a Module subclass with a `hidden` Linear.
final class Net: Module {
    let hidden: Linear
    init(_ inputNum: Int, _ output: Int) {
        hidden = Linear(inputNum, output)
        super.init()
    }
    override func forward(_ x: Tensor) -> Tensor { hidden(x) }
}

/// 定义三: a subclass wrapping a Sequential.
final class Net2: Module {
    let hidden: Sequential
    init(_ inputNum: Int, _ output: Int) {
        hidden = Sequential(Linear(inputNum, output))
        super.init()
    }
    override func forward(_ x: Tensor) -> Tensor { hidden(x) }
}

/// 网络模型: three ways to define the same one-layer network, with hand-set weights.
enum NetworkCells {
    static func run() {
        let (inputNum, outputNum) = (2, 1)
        let net = Net(inputNum, outputNum)
        net.hidden.weight.data = Tensor([[-0.0017, 0.0118]])  // 自定义权重和偏置
        net.hidden.bias?.data = Tensor([[0.0]])

        let net1 = Sequential(Linear(inputNum, outputNum))
        net1[0].weight.data = Tensor([[-0.0017, 0.0118]])
        net1[0].bias.data = Tensor([[0.0]])

        let net2 = Net2(inputNum, outputNum)
        net2.hidden[0].weight.data = Tensor([[-0.0017, 0.0118]])
        net2.hidden[0].bias.data = Tensor([[0.0]])

        Notebook.cell("三种定义结果一样 — the three definitions give the same result") {
            let x = Tensor([[1.0, 2.0]])
            print(net(x))
            print(net1(x))
            print(net2(x))
        }
        Notebook.cell("print(net2)") { print(net2) }
    }
}
