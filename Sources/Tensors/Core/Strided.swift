/// Loops over strided (non-contiguous) views: gathering into and scattering out of row-major order.
enum Strided {
    /// Copies the elements of a strided view into `out` in row-major order.
    static func gather<T>(
        from base: UnsafePointer<T>, shape: [Int], strides: [Int], into out: UnsafeMutablePointer<T>
    ) {
        visit(shape: shape, strides: strides) { position, sourceIndex, runLength, runStride in
            var s = sourceIndex
            for i in 0..<runLength {
                out[position + i] = base[s]
                s += runStride
            }
        }
    }

    /// Copies row-major `values` into the elements of a strided view.
    static func scatter<T>(
        _ values: UnsafePointer<T>, into base: UnsafeMutablePointer<T>, shape: [Int], strides: [Int]
    ) {
        visit(shape: shape, strides: strides) { position, targetIndex, runLength, runStride in
            var t = targetIndex
            for i in 0..<runLength {
                base[t] = values[position + i]
                t += runStride
            }
        }
    }

    /// Calls `body` once per innermost row: its row-major position, storage index, length and stride.
    static func visit(
        shape: [Int], strides: [Int],
        _ body: (_ position: Int, _ storageIndex: Int, _ runLength: Int, _ runStride: Int) -> Void
    ) {
        let total = Shape.count(shape)
        if total == 0 { return }
        guard let last = shape.indices.last else {
            body(0, 0, 1, 1)
            return
        }
        let runLength = shape[last]
        let runStride = strides[last]
        var index = [Int](repeating: 0, count: last)
        var storageIndex = 0
        var position = 0
        while position < total {
            body(position, storageIndex, runLength, runStride)
            position += runLength
            // Advance the odometer over the outer dimensions.
            var d = last - 1
            while d >= 0 {
                index[d] += 1
                storageIndex += strides[d]
                if index[d] < shape[d] { break }
                storageIndex -= strides[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
    }
}
