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
        var pass = try BackwardPass(from: self, gradient: gradient)
        noGrad { while pass.runNext() {} }
        pass.finish(retainGraph: retainGraph)
    }

    /// The non-leaf tensors of the graph below this one, each after all tensors it depends on.
    func topologicalOrder() -> [Tensor] {
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
        } else if gradient.dtype != dtype {
            grad = noGrad { gradient.to(dtype) }
        } else if gradient.isContiguous, gradient.hasExclusiveStorage() {
            grad = gradient.alias()
        } else {
            grad = gradient.clone()
        }
    }
}

/// One backward pass through a graph, node by node: what `backward` runs to the end and the
/// autograd stepper (`BackwardStepper`) runs one step at a time.
struct BackwardPass {
    /// The tensors whose `grad_fn` run, in the order they run (outputs before their inputs).
    let order: [Tensor]
    /// The tensor backward started from.
    let root: Tensor
    /// Gradients waiting for their tensor's node, by tensor.
    private(set) var pending: [ObjectIdentifier: Tensor]
    /// The next index in `order` to look at.
    private(set) var next = 0
    /// A leaf root's gradient, until it is accumulated.
    private var leafSeed: Tensor?

    /// Checks what PyTorch checks before anything changes.
    /// - Throws: `TensorError` with PyTorch's message when `root` is not part of a graph, is not a
    ///   scalar and no gradient was given, the gradient's shape differs, or the graph was freed.
    init(from root: Tensor, gradient: Tensor?) throws {
        guard root.requiresGrad else { throw TensorError.noGradFn }
        let seed: Tensor
        if let gradient {
            guard gradient.shape == root.shape else {
                throw TensorError(
                    "Mismatch in shape: grad_output[0] has a shape of torch.Size(\(Shape.describe(gradient.shape))) and output[0] has a shape of torch.Size(\(Shape.describe(root.shape))).")
            }
            // A private copy: the caller's tensor must never become (or alias) a leaf's grad.
            seed = noGrad { gradient.dtype == root.dtype ? gradient.clone() : gradient.to(root.dtype) }
        } else {
            guard root.count == 1 else { throw TensorError.implicitGradNeedsScalar }
            seed = noGrad { Tensor.onesLike(root) }
        }
        let order = root.topologicalOrder()
        if order.contains(where: { $0.gradFn!.isReleased }) { throw TensorError.backwardTwice }
        self.root = root
        self.order = order.reversed()
        pending = root.gradFn == nil ? [:] : [ObjectIdentifier(root): seed]
        leafSeed = root.gradFn == nil ? seed : nil
    }

    /// Whether every node that had a gradient to pass on has run (none is waiting).
    var isFinished: Bool { leafSeed == nil && (next >= order.count || pending.isEmpty) }

    /// Runs the next node that has a gradient waiting (a leaf root: accumulates its gradient);
    /// `observe` sees the tensor, its output gradient and the input gradients. Call with grad
    /// mode off. Returns false when nothing was left to run.
    mutating func runNext(_ observe: ((_ tensor: Tensor, _ outputGradient: Tensor, _ inputGradients: [Tensor?]) -> Void)? = nil) -> Bool {
        if let seed = leafSeed {
            leafSeed = nil
            observe?(root, seed, [])
            root.accumulateGrad(seed)
            return true
        }
        while next < order.count {
            let tensor = order[next]
            next += 1
            // The output gradient is only a temporary here, so an input gradient that merely
            // views it is unshared afterwards and can become a leaf's grad uncopied.
            guard let node = tensor.gradFn, let function = node.backwardFunction,
                  let outputGradient = pending.removeValue(forKey: ObjectIdentifier(tensor)) else { continue }
            let inputGradients = Self.run(function, for: tensor, on: consume outputGradient, observe)
            for (input, inputGrad) in zip(node.inputs, inputGradients) {
                guard let input, let inputGrad else { continue }
                if input.gradFn == nil {
                    input.accumulateGrad(inputGrad)
                } else {
                    let key = ObjectIdentifier(input)
                    // Out of place: either side may be shared with another input's gradient.
                    pending[key] = pending[key].map { $0 + inputGrad } ?? inputGrad
                }
            }
            return true
        }
        return false
    }

    /// Runs one node's backward function; the output gradient is released when this returns,
    /// before any input gradient is accumulated.
    private static func run(
        _ function: (Tensor) -> [Tensor?], for tensor: Tensor, on outputGradient: consuming Tensor,
        _ observe: ((_ tensor: Tensor, _ outputGradient: Tensor, _ inputGradients: [Tensor?]) -> Void)?
    ) -> [Tensor?] {
        let inputGradients = function(outputGradient)
        observe?(tensor, outputGradient, inputGradients)
        return inputGradients
    }

    /// Frees the graph's saved tensors unless `retainGraph` (PyTorch's `retain_graph`).
    func finish(retainGraph: Bool) {
        if !retainGraph {
            for tensor in order { tensor.gradFn!.release() }
        }
    }
}
