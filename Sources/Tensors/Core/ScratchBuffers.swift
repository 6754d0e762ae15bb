/// Float buffers a thread keeps between ops, so that kernels with scratch space (convolution's
/// lowered matrices, padded images) do not allocate on every training step.
///
/// Each thread has its own (`ThreadState.scratch`): the compute pool's helpers reuse theirs
/// too. Buffers grow to the largest request and are kept up to `keptFloats` in all; larger
/// requests, and a request made while the buffers are lent out, get fresh memory for that
/// call only.
final class ScratchBuffers {
    /// The most floats kept between calls (64 MiB); above it buffers are freed after each call.
    static let keptFloats = 16 << 20

    private var buffers: [UnsafeMutableBufferPointer<Float>] = []
    private var lent = false

    /// Runs `body` with one buffer of at least `counts[i]` floats per count (contents undefined).
    func with<R>(_ counts: [Int], _ body: ([UnsafeMutablePointer<Float>]) -> R) -> R {
        let total = counts.reduce(0) { $0 + Swift.max($1, 1) }
        guard !lent, total <= Self.keptFloats else {
            let fresh = counts.map { UnsafeMutablePointer<Float>.allocate(capacity: Swift.max($0, 1)) }
            defer { fresh.forEach { $0.deallocate() } }
            return body(fresh)
        }
        while buffers.count < counts.count { buffers.append(UnsafeMutableBufferPointer(start: nil, count: 0)) }
        for (i, count) in counts.enumerated() where buffers[i].count < Swift.max(count, 1) {
            buffers[i].deallocate()
            buffers[i] = .allocate(capacity: Swift.max(count, 1))
        }
        if buffers.reduce(0, { $0 + $1.count }) > Self.keptFloats { release(); return with(counts, body) }
        lent = true
        defer { lent = false }
        return body(counts.indices.map { buffers[$0].baseAddress! })
    }

    private func release() {
        buffers.forEach { $0.deallocate() }
        buffers = []
    }

    deinit { release() }
}
