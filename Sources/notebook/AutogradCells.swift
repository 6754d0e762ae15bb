import Tensors

/// backward求导原理: the autograd cells.
enum AutogradCells {
    static func run() {
        Notebook.cell("标量对向量求导 — scalar with respect to a vector") {
            let x = Tensor.ones([2], requiresGrad: true)  // x = [1, 1]
            let y = 2 * x[0].pow(3) + 2 * x[1].pow(2)
            Notebook.report { try y.backward() }           // y' = 6x0 + 4x1
            print(x.grad!)
        }
        Notebook.cell("向量对向量求导 — vector with respect to a vector") {
            let x = Tensor.arange(0, 6, 1, requiresGrad: true)
            let y = 2 * x.pow(2)
            print("y.backward() without a gradient:")
            Notebook.report { try y.backward() }
            Notebook.report { try y.backward(Tensor.onesLike(x), retainGraph: true) }  // 4x
            print(x.grad!)
            Notebook.report { try y.backward(x, retainGraph: true) }  // gradients accumulate: + 4x·x
            print(x.grad!)
            print("y.backward(x) once more without retainGraph, then again:")
            Notebook.report { try y.backward(x) }
            Notebook.report { try y.backward(x) }
        }
    }
}
