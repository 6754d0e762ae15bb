import NN
import Tensors

/// The study notebook, cell by cell; each section prints a heading and then the cell's output.
enum Notebook {
    /// Replays every cell in order.
    static func run() {
        section("backward求导原理 — how backward computes derivatives")
        AutogradCells.run()
        section("读取数据集 / TensorDataset和DataLoader — data")
        DataCells.run()
        section("网络模型 — network models, three definitions")
        NetworkCells.run()
        section("权重初始化 — weight initialisation")
        InitCells.run()
        section("损失函数 — loss functions")
        LossCells.run()
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

    /// Runs `body`, printing an error the way Python shows a `RuntimeError`.
    static func report(_ body: () throws -> Void) {
        do {
            try body()
        } catch {
            print("RuntimeError: \(error)")
        }
    }
}
