import Tensors

/// Flattens dims `startDim...endDim` into one, PyTorch's `nn.Flatten` (default: all but the batch dim).
public final class Flatten: Module {
    /// The first dim to flatten.
    public let startDim: Int
    /// The last dim to flatten (negative counts from the end).
    public let endDim: Int

    public init(startDim: Int = 1, endDim: Int = -1) {
        self.startDim = startDim
        self.endDim = endDim
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor {
        input.flatten(startDim: startDim, endDim: endDim)
    }

    public override func extraDescription() -> String { "start_dim=\(startDim), end_dim=\(endDim)" }
}
