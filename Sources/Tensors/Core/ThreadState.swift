#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-thread state that PyTorch keeps thread-local: grad mode, deterministic mode and the default generator.
///
/// Keeping it per thread (not global) means a trainer thread and a UI or test
/// thread never race on it, and no global mutable state exists.
final class ThreadState {
    /// Whether ops record the autograd graph (`torch.is_grad_enabled()`).
    var gradEnabled = true
    /// Whether matrix products use the fixed-order kernel instead of BLAS (`torch.use_deterministic_algorithms`).
    var deterministic = false
    /// The generator random functions use when none is passed.
    let generator = Generator()
    /// The helpers this thread's ops share their work with (`setComputeThreads`); nil: ops run on this thread alone.
    var pool: ComputePool?
    /// Buffers kernels reuse between ops on this thread instead of allocating each time.
    let scratch = ScratchBuffers()

    /// The calling thread's state, created on first use and freed with the thread.
    static var current: ThreadState {
        if let raw = pthread_getspecific(threadStateKey) {
            return Unmanaged<ThreadState>.fromOpaque(raw).takeUnretainedValue()
        }
        let state = ThreadState()
        pthread_setspecific(threadStateKey, Unmanaged.passRetained(state).toOpaque())
        return state
    }
}

/// The pthread key under which each thread's `ThreadState` is stored (immutable once made).
private let threadStateKey: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key) { raw in
        guard let raw else { return }
        Unmanaged<ThreadState>.fromOpaque(raw).release()
    }
    usageCheck(status == 0, "pthread_key_create failed with status \(status)")
    return key
}()

/// Runs `body` without recording autograd history, like `with torch.no_grad():`.
public func noGrad<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
    let state = ThreadState.current
    let previous = state.gradEnabled
    state.gradEnabled = false
    defer { state.gradEnabled = previous }
    return try body()
}

/// Whether autograd records operations on the calling thread (`torch.is_grad_enabled()`).
public var isGradEnabled: Bool { ThreadState.current.gradEnabled }

/// Makes the calling thread's matrix products reproducible bit for bit, or fast again, like
/// `torch.use_deterministic_algorithms(True)`.
///
/// When on, every matrix product (`matmul`, `addmm`, `linear` and their gradients) and
/// `nn.init.orthogonal_` run TensorTop's own kernels, whose sums are taken in one fixed order:
/// the results do not depend on the CPU (OpenBLAS picks a different kernel per CPU type),
/// the thread count or the build mode. They are slower than BLAS. Every other reduction
/// already runs in a fixed order. The setting is per thread, like grad mode.
public func useDeterministicAlgorithms(_ enabled: Bool) {
    ThreadState.current.deterministic = enabled
}

/// Whether the calling thread uses the fixed-order kernels (`torch.are_deterministic_algorithms_enabled()`).
public var areDeterministicAlgorithmsEnabled: Bool { ThreadState.current.deterministic }

/// Runs `body` with deterministic algorithms on (or off) on this thread, restoring the setting after.
public func withDeterministicAlgorithms<R, E: Error>(_ enabled: Bool = true, _ body: () throws(E) -> R) throws(E) -> R {
    let state = ThreadState.current
    let previous = state.deterministic
    state.deterministic = enabled
    defer { state.deterministic = previous }
    return try body()
}

/// Makes the calling thread's ops use `threads` threads in all — this one and `threads - 1`
/// helpers — like `torch.set_num_threads`, but per thread.
///
/// Matrix products are split into blocks of rows or columns, one per thread, each computed
/// by single-threaded BLAS (set `BLAS.threads` to 1 so the two kinds of threads do not
/// compete). Every element is computed exactly as on one thread, so the results are the
/// same for every thread count. The helpers end with the thread, or with `setComputeThreads(1)`.
public func setComputeThreads(_ threads: Int) {
    let state = ThreadState.current
    guard threads != computeThreads else { return }
    state.pool = threads > 1 ? ComputePool(threads: threads) : nil
}

/// The number of threads the calling thread's ops use (`torch.get_num_threads`, per thread).
public var computeThreads: Int { ThreadState.current.pool?.threads ?? 1 }
