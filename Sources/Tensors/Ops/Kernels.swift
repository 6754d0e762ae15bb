/// The loops every elementwise op shares: map one tensor, or zip two with broadcasting.
///
/// Each takes the scalar function as an always-inlined closure so the loop over
/// the contiguous buffers is specialised and vectorised at each call site.
enum Kernels {
    /// A new float32 tensor of `input`'s shape whose elements `body` writes, range by range.
    ///
    /// `body(input, output, range)` must write `output[i]` for every `i` in `range` from
    /// `input`'s elements. Large tensors are split into ranges shared among the calling thread's
    /// compute threads; the elements are the same whichever thread writes them. Unlike `map`,
    /// the loop is written out at the call site, so it is vectorised even inside a backward closure.
    static func elementwise(
        _ input: Tensor,
        _ body: @escaping @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Range<Int>) -> Void
    ) -> Tensor {
        let n = input.count
        let storage = Storage<Float>(uninitializedCount: n)  // body writes every element
        input.withFloats { source in
            let (x, y) = (ChunkShared(source), ChunkShared(storage.base))
            forEachRange(n) { range in body(x.pointer, y.pointer, range) }
        }
        return Tensor(floats: storage, shape: input.shape)
    }

    /// A new float32 tensor of `a`'s shape (`b` has the same) whose elements `body` writes from both, range by range.
    static func elementwise(
        _ a: Tensor, _ b: Tensor,
        _ body: @escaping @Sendable (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Range<Int>) -> Void
    ) -> Tensor {
        usageCheck(a.shape == b.shape)
        let n = a.count
        let storage = Storage<Float>(uninitializedCount: n)  // body writes every element
        a.withFloats { pa in
            b.withFloats { pb in
                let (x, y, z) = (ChunkShared(pa), ChunkShared(pb), ChunkShared(storage.base))
                forEachRange(n) { range in body(x.pointer, y.pointer, z.pointer, range) }
            }
        }
        return Tensor(floats: storage, shape: a.shape)
    }

    /// Runs `body` over `0..<count`: in one call, or from `minimum` up in ranges shared among
    /// the calling thread's compute threads.
    static func forEachRange(_ count: Int, minimum: Int = Tensor.parallelElements, _ body: @escaping @Sendable (Range<Int>) -> Void) {
        guard let pool = ThreadState.current.pool, count >= minimum else {
            body(0..<count)
            return
        }
        let parts = pool.threads
        pool.forEachChunk(parts) { part in body((count * part / parts)..<(count * (part + 1) / parts)) }
    }

    /// A new float32 tensor of `input`'s shape with `f` applied to every element.
    @inline(__always)
    static func map(_ input: Tensor, _ f: (Float) -> Float) -> Tensor {
        let n = input.count
        let storage = input.withFloats { source in
            Storage<Float>(count: n) { out in
                let o = out.baseAddress!
                for i in 0..<n { o[i] = f(source[i]) }
            }
        }
        return Tensor(floats: storage, shape: input.shape)
    }

    /// A new float32 tensor with `f` applied to matching elements of `a` and `b` (same shape).
    @inline(__always)
    static func zipSameShape(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        usageCheck(a.shape == b.shape)
        let n = a.count
        let storage = a.withFloats { pa in
            b.withFloats { pb in
                Storage<Float>(count: n) { out in
                    let o = out.baseAddress!
                    for i in 0..<n { o[i] = f(pa[i], pb[i]) }
                }
            }
        }
        return Tensor(floats: storage, shape: a.shape)
    }

    /// A new float32 tensor with `f` applied to `a` and `b` broadcast to a common shape.
    ///
    /// Traps with PyTorch's message when the shapes do not broadcast.
    @inline(__always)
    static func zip(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        if a.shape == b.shape { return zipSameShape(a, b, f) }
        guard let shape = Shape.broadcast(a.shape, b.shape) else {
            usageFailure(broadcastFailure(a.shape, b.shape))
        }
        let n = Shape.count(shape)
        let storage = a.withFloats { pa in
            b.withFloats { pb in
                Storage<Float>(count: n) { out in
                    let o = out.baseAddress!
                    if a.count == 1 {
                        let x = pa[0]
                        for i in 0..<n { o[i] = f(x, pb[i]) }
                    } else if b.count == 1 {
                        let y = pb[0]
                        for i in 0..<n { o[i] = f(pa[i], y) }
                    } else {
                        let sa = broadcastStrides(a.shape, to: shape)
                        let sb = broadcastStrides(b.shape, to: shape)
                        zipGeneral(shape: shape, pa, sa, pb, sb, o, f)
                    }
                }
            }
        }
        return Tensor(floats: storage, shape: shape)
    }

    /// Strides that read a contiguous tensor of `shape` as if broadcast to `target` (0 on repeated dims).
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = Shape.contiguousStrides(shape)
        let lead = target.count - shape.count
        return (0..<target.count).map { i in
            i < lead || shape[i - lead] == 1 ? 0 : own[i - lead]
        }
    }

    /// PyTorch's message for shapes that do not broadcast.
    static func broadcastFailure(_ a: [Int], _ b: [Int]) -> String {
        let rank = Swift.max(a.count, b.count)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da != db && da != 1 && db != 1 {
                return "The size of tensor a (\(da)) must match the size of tensor b (\(db)) at non-singleton dimension \(i); shapes \(Shape.describe(a)) and \(Shape.describe(b))"
            }
        }
        return "shapes \(Shape.describe(a)) and \(Shape.describe(b)) do not broadcast"
    }

    /// The broadcasting loop: an odometer over the outer dims, a tight loop over the last.
    @inline(__always)
    static func zipGeneral(
        shape: [Int], _ pa: UnsafePointer<Float>, _ sa: [Int], _ pb: UnsafePointer<Float>, _ sb: [Int],
        _ o: UnsafeMutablePointer<Float>, _ f: (Float, Float) -> Float
    ) {
        let last = shape.count - 1
        let run = shape[last]
        let ra = sa[last], rb = sb[last]
        let total = Shape.count(shape)
        var index = [Int](repeating: 0, count: last)
        var ia = 0, ib = 0, position = 0
        while position < total {
            if ra == 1 && rb == 1 {
                for i in 0..<run { o[position + i] = f(pa[ia + i], pb[ib + i]) }
            } else if ra == 1 && rb == 0 {
                let y = pb[ib]
                for i in 0..<run { o[position + i] = f(pa[ia + i], y) }
            } else if ra == 0 && rb == 1 {
                let x = pa[ia]
                for i in 0..<run { o[position + i] = f(x, pb[ib + i]) }
            } else {
                for i in 0..<run { o[position + i] = f(pa[ia + i * ra], pb[ib + i * rb]) }
            }
            position += run
            var d = last - 1
            while d >= 0 {
                index[d] += 1
                ia += sa[d]
                ib += sb[d]
                if index[d] < shape[d] { break }
                ia -= sa[d] * shape[d]
                ib -= sb[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
    }
}
