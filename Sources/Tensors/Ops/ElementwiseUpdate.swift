extension Tensor {
    /// Updates this tensor in place, range by range, from `gradient` and `state` tensors of the
    /// same element count that `body` may also update: an optimizer's step.
    ///
    /// `body(range, values, gradient, state)` updates the elements in `range` only. Large
    /// tensors are split into ranges shared among the calling thread's compute threads
    /// (`setComputeThreads`); each element is computed the same whichever thread does it.
    public func updateElementwise(
        reading gradient: Tensor, state: [Tensor],
        _ body: @escaping @Sendable (_ range: Range<Int>, _ values: UnsafeMutablePointer<Float>, _ gradient: UnsafePointer<Float>,
                                     _ state: [UnsafeMutablePointer<Float>]) -> Void
    ) {
        usageCheck([self, gradient].allSatisfy { $0.dtype == .float32 } && state.allSatisfy { $0.dtype == .float32 },
                   "elementwise updates (optimizer steps) take float32 tensors, got \(dtype) values, \(gradient.dtype) gradient and \(state.map(\.dtype)) state; convert the model with float()")
        usageCheck(gradient.count == count && state.allSatisfy { $0.count == count },
                   "an elementwise update needs tensors of \(count) elements, got \(gradient.count) and \(state.map(\.count))")
        gradient.withFloats { g in
            withMutableFloats { values in
                var buffers: [ChunkShared<Float>] = []
                func nest(_ index: Int) {
                    guard index < state.count else {
                        let (v, g, shared) = (ChunkShared(values.baseAddress!), ChunkShared(g), buffers)
                        Kernels.forEachRange(values.count) { range in
                            body(range, v.pointer, g.pointer, shared.map(\.pointer))
                        }
                        return
                    }
                    state[index].withMutableFloats { buffer in
                        buffers.append(ChunkShared(buffer.baseAddress!))
                        nest(index + 1)
                    }
                }
                nest(0)
            }
        }
    }
}
