/// How tensors are printed, with the defaults of PyTorch's `torch.set_printoptions`.
public struct PrintOptions: Sendable, Equatable {
    /// Digits after the decimal point.
    public var precision = 4
    /// Element count above which a tensor is summarised with `...`.
    public var threshold = 1000
    /// Items shown at each end of a summarised dim.
    public var edgeItems = 3
    /// Characters per line before wrapping.
    public var lineWidth = 80

    /// PyTorch's defaults.
    public init() {}
}
