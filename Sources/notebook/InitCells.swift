import NN
import Tensors

/// 直接展平后过全连接: the notebook's SoftMaxNet (Flatten then one Linear).
final class SoftMaxNet: Module {
    let hidden: Sequential
    init(_ inputNum: Int, _ outputNum: Int) {
        hidden = Sequential(Flatten(), Linear(inputNum, outputNum))
        super.init()
    }
    override func forward(_ x: Tensor) -> Tensor { hidden(x) }
}

/// 权重初始化: re-initialising every Linear with normal_(std=0.01), two ways.
enum InitCells {
    static func run() {
        manualSeed(0)
        Notebook.cell("方法一 — walk namedChildren() and re-initialise each Linear") {
            let net = SoftMaxNet(784, 10)
            for (_, model) in net.namedChildren() {
                if let sequential = model as? Sequential {
                    for case let m as Linear in sequential.layers {
                        print("原始权重", m.weight.data)
                        print("原始偏置", m.bias!.data)
                        Init.normal_(m.weight, mean: 0, std: 0.01)
                        Init.normal_(m.bias!, mean: 0, std: 0.01)
                        print("修改权重", m.weight.data)
                        print("修改偏置", m.bias!.data)
                    }
                } else if let linear = model as? Linear {
                    Init.normal_(linear.weight, mean: 0, std: 0.01)
                    Init.normal_(linear.bias!, mean: 0, std: 0.01)
                }
            }
        }
        Notebook.cell("方法二 — net.apply(initWeights) recursively") {
            func initWeights(_ m: Module) {
                if let linear = m as? Linear {
                    Init.normal_(linear.weight, std: 0.01)
                    Init.normal_(linear.bias!, std: 0.01)
                }
            }
            let net = Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 10))
            print("原始权重", net[1].weight.data)
            print("原始偏置", net[1].bias.data)
            net.apply(initWeights)  // apply递归初始化
            print("修改权重", net[1].weight.data)
            print("修改偏置", net[1].bias.data)
        }
    }
}
