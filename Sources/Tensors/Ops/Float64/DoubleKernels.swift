/// The float64 ops' loops: plain loops over contiguous double buffers (simpler than the
/// float32 kernels, which are tuned for speed; float64 is for reference values and `gradcheck`).
enum DoubleKernels {
    /// A new float64 tensor of `input`'s shape with `f` applied to every element.
    static func map(_ input: Tensor, _ f: (Double) -> Double) -> Tensor {
        let n = input.count
        let storage = input.withDoubles { source in
            Storage<Double>(count: n) { out in
                for i in 0..<n { out[i] = f(source[i]) }
            }
        }
        return Tensor(doubles: storage, shape: input.shape)
    }

    /// A new float64 tensor with `f` applied to `a` and `b` broadcast to a common shape
    /// (either may be float32: PyTorch promotes float32 with float64 to float64).
    ///
    /// Traps with PyTorch's message when the shapes do not broadcast.
    static func zip(_ a: Tensor, _ b: Tensor, _ f: (Double, Double) -> Double) -> Tensor {
        guard let shape = Shape.broadcast(a.shape, b.shape) else {
            usageFailure(Kernels.broadcastFailure(a.shape, b.shape))
        }
        let left = broadcastElements(a, to: shape)
        let right = broadcastElements(b, to: shape)
        let storage = Storage<Double>(count: left.count) { out in
            for i in 0..<out.count { out[i] = f(left.base[i], right.base[i]) }
        }
        return Tensor(doubles: storage, shape: shape)
    }

    /// `tensor`'s elements as doubles, repeated along broadcast dims to fill `shape`, in row-major order.
    static func broadcastElements(_ tensor: Tensor, to shape: [Int]) -> Storage<Double> {
        tensor.withDoubles { source in
            Storage<Double>(count: Shape.count(shape)) { out in
                Strided.gather(
                    from: source, shape: shape, strides: Kernels.broadcastStrides(tensor.shape, to: shape),
                    into: out.baseAddress!)
            }
        }
    }
}
