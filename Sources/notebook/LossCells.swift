import NN
import Tensors

/// 损失函数: CrossEntropyLoss with the three reductions on one batch.
enum LossCells {
    static func run() {
        Notebook.cell("交叉熵损失函数 — CrossEntropyLoss with reduction none / mean / sum") {
            let logits = Tensor([[0.3, -1.0, 1.5], [2.0, 0.4, -0.6], [-2.5, 1.0, 0.0], [0.7, 0.7, 0.7]])
            let target = Tensor([2, 0, 1, 0])
            print("logits", logits)
            print("target", target)
            for reduction in [Reduction.none, .mean, .sum] {
                let loss = CrossEntropyLoss(reduction: reduction)
                print("reduction=\"\(reduction.rawValue)\":", loss(logits, target))
            }
        }
    }
}
