import Tensors

/// `y = x·Wᵀ + b`, PyTorch's `nn.Linear`, computed as one fused BLAS call.
///
/// Initialised like PyTorch: the weight with `kaimingUniform_(a: √5)` (so uniform in
/// ±1/√in_features) and the bias uniform in ±1/√in_features.
public final class Linear: Module {
    /// The number of input features.
    public let inFeatures: Int
    /// The number of output features.
    public let outFeatures: Int
    /// The [outFeatures, inFeatures] weight matrix.
    @Parameter public var weight: Tensor
    /// The [outFeatures] bias, or nil when the layer has none.
    @OptionalParameter public var bias: Tensor?

    /// Creates a layer with PyTorch's default initialisation, drawn from `generator`.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, generator: Generator? = nil) {
        precondition(inFeatures > 0 && outFeatures > 0, "Linear needs positive feature counts, got in_features=\(inFeatures), out_features=\(outFeatures)")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.weight = Tensor.zeros([outFeatures, inFeatures])
        self.bias = bias ? Tensor.zeros([outFeatures]) : nil
        super.init()
        resetParameters(generator: generator)
    }

    /// Re-draws the weight and bias with PyTorch's default initialisation.
    public func resetParameters(generator: Generator? = nil) {
        Init.pytorchLinearDefault(weight: weight, bias: bias, generator: generator)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        Tensor.linear(input, weight: weight, bias: bias)
    }

    public override func extraDescription() -> String {
        "in_features=\(inFeatures), out_features=\(outFeatures), bias=\(pythonBool(bias != nil))"
    }
}
