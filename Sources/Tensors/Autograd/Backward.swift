extension Tensor {
    /// Computes the gradient of this tensor with respect to every leaf that requires one,
    /// and adds it to each leaf's `grad` (gradients accumulate until reset).
    ///
    /// - Parameters:
    ///   - gradient: the vector in the vector-Jacobian product, with this tensor's shape.
    ///     May be omitted only for a one-element tensor (it is then 1).
    ///   - retainGraph: keep the graph's saved tensors so backward can run through it again.
    /// - Throws: `TensorError` with PyTorch's message when the tensor is not part of a graph,
    ///   is not a scalar and no gradient was given, or the graph was already freed.
    ///   When it throws, no `grad` has changed.
    public func backward(_ gradient: Tensor? = nil, retainGraph: Bool = false) throws {
        guard requiresGrad else { throw TensorError.noGradFn }
        let seed: Tensor
        if let gradient {
            guard gradient.shape == shape else {
                throw TensorError(
                    "Mismatch in shape: grad_output[0] has a shape of torch.Size(\(Shape.describe(gradient.shape))) and output[0] has a shape of torch.Size(\(Shape.describe(shape))).")
            }
            // A private copy: the caller's tensor must never become (or alias) a leaf's grad.
            seed = noGrad { gradient.dtype == .float32 ? gradient.clone() : gradient.to(.float32) }
        } else {
            guard count == 1 else { throw TensorError.implicitGradNeedsScalar }
            seed = Tensor.onesLike(self)
        }

        let order = topologicalOrder()
        if order.contains(where: { $0.gradFn!.isReleased }) { throw TensorError.backwardTwice }

        noGrad {
            if gradFn == nil {
                accumulateGrad(seed)
                return
            }
            var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
            for tensor in order.reversed() {
                // The output gradient is only a temporary here, so an input gradient that
                // merely views it is unshared afterwards and can become a leaf's grad uncopied.
                guard let node = tensor.gradFn,
                      let function = node.backwardFunction,
                      let inputGrads = pending.removeValue(forKey: ObjectIdentifier(tensor)).map(function)
                else { continue }
                for (input, inputGrad) in zip(node.inputs, inputGrads) {
                    guard let input, let inputGrad else { continue }
                    if input.gradFn == nil {
                        input.accumulateGrad(inputGrad)
                    } else {
                        let key = ObjectIdentifier(input)
                        // Out of place: either side may be shared with another input's gradient.
                        pending[key] = pending[key].map { $0 + inputGrad } ?? inputGrad
                    }
                }
            }
        }
        if !retainGraph {
            for tensor in order { tensor.gradFn!.release() }
        }
    }

    /// The non-leaf tensors of the graph below this one, each after all tensors it depends on.
    private func topologicalOrder() -> [Tensor] {
        guard gradFn != nil else { return [] }
        var order: [Tensor] = []
        var visited: Set<ObjectIdentifier> = [ObjectIdentifier(self)]
        // Iterative depth-first search: (tensor, index of the next input to visit).
        var stack: [(Tensor, Int)] = [(self, 0)]
        while let (tensor, next) = stack.last {
            let inputs = tensor.gradFn!.inputs
            if next < inputs.count {
                stack[stack.count - 1].1 = next + 1
                if let input = inputs[next], input.gradFn != nil,
                   visited.insert(ObjectIdentifier(input)).inserted {
                    stack.append((input, 0))
                }
            } else {
                order.append(tensor)
                stack.removeLast()
            }
        }
        return order
    }

    /// Adds `gradient` into this leaf's `grad`, in place when a gradient is already there.
    ///
    /// A gradient no other tensor shares becomes `grad` without a copy. Accumulating
    /// into a `grad` whose memory is still shared first gives it a private copy
    /// (copy-on-write), so in-place updates never leak into another tensor.
    func accumulateGrad(_ gradient: Tensor) {
        usageCheck(gradient.shape == shape, "gradient of shape \(Shape.describe(gradient.shape)) for a tensor of shape \(Shape.describe(shape))")
        if let grad {
            if !grad.hasExclusiveStorage() { grad.data = grad.clone() }
            grad.add_(gradient)
        } else if gradient.isContiguous, gradient.dtype == .float32, gradient.hasExclusiveStorage() {
            grad = gradient.alias()
        } else {
            grad = gradient.clone()
        }
    }
}
