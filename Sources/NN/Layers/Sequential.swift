import Tensors

/// Runs modules one after another, PyTorch's `nn.Sequential`; children are named `0`, `1`, ...
///
/// ```swift
/// let net = Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 10))
/// net[1].weight        // the first Linear's weight
/// ```
public final class Sequential: Module {
    /// The modules in order.
    public private(set) var layers: [Module]

    /// Chains `layers` in order.
    public init(_ layers: Module...) {
        self.layers = layers
        super.init()
    }

    /// Chains `layers` in order.
    public init(_ layers: [Module]) {
        self.layers = layers
        super.init()
    }

    /// The module at `index` (negative counts from the end, like Python).
    public subscript(index: Int) -> Module {
        let i = index < 0 ? index + layers.count : index
        precondition(i >= 0 && i < layers.count, "index \(index) is out of range for a Sequential of \(layers.count) modules")
        return layers[i]
    }

    /// The number of modules.
    public var count: Int { layers.count }

    /// Adds a module at the end.
    public func append(_ module: Module) { layers.append(module) }

    public override func namedChildren() -> [(name: String, module: Module)] {
        layers.enumerated().map { ("\($0.offset)", $0.element) }
    }

    public override func forward(_ input: Tensor) -> Tensor {
        layers.reduce(input) { x, layer in layer(x) }
    }
}
