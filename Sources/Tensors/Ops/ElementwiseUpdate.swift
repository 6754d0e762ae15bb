extension Tensor {
    /// Updates this tensor in place, range by range, from `gradient` and `state` tensors of the
    /// same element count that `body` may also update: an optimizer's step.
    ///
    /// `body(range, values, gradient, state)` updates the elements in `range` only. Large
    /// tensors are split into ranges shared among the calling thread's compute threads
    /// (`setComputeThreads`); each element is computed the same whichever thread does it.
    /// Every tensor must be float32 (the float64 form takes double pointers).
    public func updateElementwise(
        reading gradient: Tensor, state: [Tensor],
        _ body: @escaping @Sendable (_ range: Range<Int>, _ values: UnsafeMutablePointer<Float>, _ gradient: UnsafePointer<Float>,
                                     _ state: [UnsafeMutablePointer<Float>]) -> Void
    ) {
        updateElements(reading: gradient, state: state, dtype: .float32, read: { $0.withFloats($1) }, mutate: { $0.mutateFloats($1) }, body)
    }

    /// `updateElementwise` for float64 tensors: the same ranges over doubles.
    public func updateElementwise(
        reading gradient: Tensor, state: [Tensor],
        _ body: @escaping @Sendable (_ range: Range<Int>, _ values: UnsafeMutablePointer<Double>, _ gradient: UnsafePointer<Double>,
                                     _ state: [UnsafeMutablePointer<Double>]) -> Void
    ) {
        updateElements(reading: gradient, state: state, dtype: .float64, read: { $0.withDoubles($1) }, mutate: { $0.mutateDoubles($1) }, body)
    }

    /// The steps of both forms: checks, then nests `mutate` over this tensor and every state
    /// tensor inside `read` of the gradient, and shares the ranges out. (`read` and `mutate` are
    /// called only during this call; escaping merely lets the nested closures capture them.)
    private func updateElements<Scalar>(
        reading gradient: Tensor, state: [Tensor], dtype expected: DType,
        read: @escaping (Tensor, (UnsafePointer<Scalar>) -> Void) -> Void,
        mutate: @escaping (Tensor, (UnsafeMutablePointer<Scalar>, Int) -> Void) -> Void,
        _ body: @escaping @Sendable (Range<Int>, UnsafeMutablePointer<Scalar>, UnsafePointer<Scalar>, [UnsafeMutablePointer<Scalar>]) -> Void
    ) {
        usageCheck([self, gradient].allSatisfy { $0.dtype == expected } && state.allSatisfy { $0.dtype == expected },
                   "this elementwise update (an optimizer step) takes \(expected) tensors, got \(dtype) values, \(gradient.dtype) gradient and \(state.map(\.dtype)) state")
        usageCheck(gradient.count == count && state.allSatisfy { $0.count == count },
                   "an elementwise update needs tensors of \(count) elements, got \(gradient.count) and \(state.map(\.count))")
        read(gradient) { g in
            mutate(self) { values, n in
                var buffers: [ChunkShared<Scalar>] = []
                func nest(_ index: Int) {
                    guard index < state.count else {
                        let (v, g, shared) = (ChunkShared(values), ChunkShared(g), buffers)
                        Kernels.forEachRange(n) { range in
                            body(range, v.pointer, g.pointer, shared.map(\.pointer))
                        }
                        return
                    }
                    mutate(state[index]) { buffer, _ in
                        buffers.append(ChunkShared(buffer))
                        nest(index + 1)
                    }
                }
                nest(0)
            }
        }
    }
}
