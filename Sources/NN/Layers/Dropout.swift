import Tensors

/// Zeroes each element with probability `p` during training and scales the rest by 1/(1−p),
/// PyTorch's `nn.Dropout`; in evaluation mode it passes input through.
public final class Dropout: Module {
    /// The probability of zeroing an element.
    public let p: Float
    /// Where the masks come from (seeded, so runs are reproducible).
    public let generator: Generator?

    public init(p: Float = 0.5, generator: Generator? = nil) {
        precondition(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got \(p)")
        self.p = p
        self.generator = generator
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor {
        guard isTraining, p > 0 else { return input }
        if p == 1 { return input * Tensor.zerosLike(input) }
        let keep = Tensor.zeros(input.shape).bernoulli_(1 - p, generator: generator)
        return input * noGrad { keep / (1 - p) }
    }

    public override func extraDescription() -> String { "p=\(pythonFloat(p)), inplace=False" }
}
