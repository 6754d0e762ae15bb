// One graph node for an op written as a composition of other differentiable ops.

extension Float64Ops {
    /// Runs `body` on stand-ins of `inputs` and records the result as one node named `name`
    /// (e.g. `ConvolutionBackward0`), whose backward runs backward through the graph `body` built.
    ///
    /// The float64 forms of the structured ops (convolution, pooling, batch norm, padding,
    /// cross-entropy) are compositions of the elementwise, reduction, gather and product ops,
    /// so their gradients come from those ops' backward, while the graph shows PyTorch's one node.
    /// The inner graph is kept (and freed) with the node, so `retainGraph` works as for any node.
    static func composite(name: String, inputs: [Tensor], _ body: ([Tensor]) -> Tensor) -> Tensor {
        guard isGradEnabled, inputs.contains(where: { $0.requiresGrad }) else { return body(inputs) }
        let standIns = inputs.map { $0.requiresGrad ? $0.alias().requiresGrad_() : $0 }
        let inner = body(standIns)
        return Tensor.record(inner.alias(), name: name, inputs: inputs) { g in
            for standIn in standIns where standIn.requiresGrad { standIn.grad = nil }
            if inner.gradFn != nil {
                // Cannot throw: the inner graph has a node, is never freed, and g has its shape.
                try! inner.backward(g, retainGraph: true)
            }
            return zip(inputs, standIns).map { input, standIn in
                input.requiresGrad ? (standIn.grad ?? Tensor.zerosLike(input)) : nil
            }
        }
    }
}
