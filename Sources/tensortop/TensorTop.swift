import ArgumentParser
import Tensors

/// The `tensortop` command: htop for neural-network training.
@main
struct TensorTop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tensortop",
        abstract: "htop for neural-network training: watch a network learn Fashion-MNIST in your terminal.",
        discussion: """
            TensorTop trains a small network in-process on a re-implementation of PyTorch's \
            basics (tensors with autograd, nn, nn.init, optimizers) and shows what training does.
            """,
        version: TensorTopVersion.withBLASCore,
        subcommands: [DashboardCommand.self, DemoCommand.self, TrainCommand.self, ReplayCommand.self, AttachCommand.self, BoardCommand.self, EvalCommand.self, PredictCommand.self, DataCommand.self, Inspect.self, Convert.self],
        defaultSubcommand: DashboardCommand.self
    )

    /// Makes sure OpenBLAS runs a fast kernel and tunes the allocator, then runs the command.
    static func main() {
        BLAS.reloadWithBetterCoreIfNeeded()
        Allocator.keepLargeBlocks()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
