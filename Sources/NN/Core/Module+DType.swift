import Tensors

extension Module {
    /// Converts every floating-point parameter and buffer to float64, PyTorch's `module.double()`.
    ///
    /// Integer buffers (`num_batches_tracked`) keep their dtype. Parameters become new leaf
    /// tensors (their gradients are dropped), so convert a module before handing its
    /// parameters to an optimizer, as PyTorch advises for `module.to()`. Returns the module.
    @discardableResult
    public func double() -> Self { converted(to: .float64) }

    /// Converts every floating-point parameter and buffer to float32, PyTorch's `module.float()`.
    @discardableResult
    public func float() -> Self { converted(to: .float32) }

    /// Converts the floating-point tensors of this module and its descendants to `dtype`.
    private func converted(to dtype: DType) -> Self {
        func convert(_ tensor: Tensor?) -> Tensor? {
            guard let tensor, tensor.dtype.isFloatingPoint, tensor.dtype != dtype else { return nil }
            return tensor.detach().to(dtype)
        }
        for module in modules() {
            module.forEachStoredProperty { _, value in
                switch value {
                case let parameter as Parameter: if let new = convert(parameter.wrappedValue) { parameter.wrappedValue = new }
                case let parameter as OptionalParameter: if let new = convert(parameter.wrappedValue) { parameter.wrappedValue = new }
                case let buffer as Buffer: if let new = convert(buffer.wrappedValue) { buffer.wrappedValue = new }
                case let buffer as OptionalBuffer: if let new = convert(buffer.wrappedValue) { buffer.wrappedValue = new }
                default: break
                }
            }
        }
        return self
    }
}
