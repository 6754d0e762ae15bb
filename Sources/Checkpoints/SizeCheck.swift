/// Overflow-checked sizes for the shapes, strides and offsets a file claims.
///
/// Every number that enters from a file goes through these before it is used in
/// arithmetic, so a hostile shape such as `[2^61]` or `[0, 2^40, 2^40]` becomes a clear
/// error instead of an overflow trap.
enum SizeCheck {
    /// The element count of `shape`, or nil if a dim is negative or the count — or the
    /// row-major strides a tensor of that shape gets (empty dims count as 1) — overflows `Int`.
    static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        var span = 1
        for dim in shape {
            guard dim >= 0 else { return nil }
            let (newCount, countOverflow) = count.multipliedReportingOverflow(by: dim)
            let (newSpan, spanOverflow) = span.multipliedReportingOverflow(by: Swift.max(dim, 1))
            guard !countOverflow, !spanOverflow else { return nil }
            count = newCount
            span = newSpan
        }
        return count
    }

    /// The bytes a tensor of `shape` and `type` occupies, or nil on overflow (see `elementCount`).
    static func byteCount(_ shape: [Int], _ type: ElementType) -> Int? {
        guard let count = elementCount(shape) else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: type.byteSize)
        return overflow ? nil : bytes
    }

    /// The largest storage element a non-empty strided view reads, or nil on overflow.
    static func lastElement(offset: Int, shape: [Int], strides: [Int]) -> Int? {
        var last = offset
        for (dim, stride) in zip(shape, strides) {
            let (step, stepOverflow) = (dim - 1).multipliedReportingOverflow(by: stride)
            let (sum, sumOverflow) = last.addingReportingOverflow(step)
            guard !stepOverflow, !sumOverflow else { return nil }
            last = sum
        }
        return last
    }
}
