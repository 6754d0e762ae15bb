import Tensors

/// The study notebook, cell by cell; each section prints a heading and then the cell's output.
enum Notebook {
    /// Replays every cell in order.
    static func run() {
        section("backward求导原理 — how backward computes derivatives")
        scalarWithRespectToVector()
        vectorWithRespectToVector()
    }

    /// Prints a section heading in the notebook's style.
    static func section(_ title: String) {
        print("## \(title)\n")
    }

    /// Prints a cell marker and runs the cell.
    static func cell(_ title: String, _ body: () -> Void) {
        print("### \(title)")
        body()
        print()
    }

    /// 标量对向量求导: y = 2·x0³ + 2·x1² at x = [1, 1].
    static func scalarWithRespectToVector() {
        cell("标量对向量求导 — scalar with respect to a vector") {
            let x = Tensor.ones([2], requiresGrad: true)
            let y = 2 * x[0].pow(3) + 2 * x[1].pow(2)
            report { try y.backward() }
            print(x.grad!)
        }
    }

    /// 向量对向量求导: y = 2x² over arange(0, 6); gradients accumulate across backward calls.
    static func vectorWithRespectToVector() {
        cell("向量对向量求导 — vector with respect to a vector") {
            let x = Tensor.arange(0, 6, 1, requiresGrad: true)
            let y = 2 * x.pow(2)
            print("y.backward() without a gradient:")
            report { try y.backward() }
            report { try y.backward(Tensor.onesLike(x), retainGraph: true) }
            print(x.grad!)
            report { try y.backward(x, retainGraph: true) }
            print(x.grad!)
            print("y.backward(x) once more, then again without retainGraph:")
            report { try y.backward(x) }
            report { try y.backward(x) }
            print(x.grad!)
        }
    }

    /// Runs `body`, printing an error the way Python shows a `RuntimeError`.
    static func report(_ body: () throws -> Void) {
        do {
            try body()
        } catch {
            print("RuntimeError: \(error)")
        }
    }
}
