#if canImport(Glibc)
import Glibc
#endif

/// Times a piece of work the way benchmarks should: warm up, then best of several runs.
enum Stopwatch {
    /// Seconds since an arbitrary start (monotonic clock).
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// CPU seconds the calling thread has used: a cost that other processes' load hardly changes.
    static func threadCPU() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// The best (smallest) seconds per call of `body` over `rounds` rounds of about `roundSeconds` each,
    /// read on `clock` (wall time unless told).
    ///
    /// The minimum is the figure least disturbed by other work on a 2-core machine.
    static func secondsPerCall(rounds: Int = 5, roundSeconds: Double = 0.2, clock now: () -> Double = now,
                               _ body: () -> Void) -> Double {
        for _ in 0..<3 { body() }  // warm up caches, allocator and BLAS threads
        var calls = 1
        var start = now()
        body()
        var elapsed = now() - start
        while elapsed < roundSeconds / 4 {
            calls *= 2
            start = now()
            for _ in 0..<calls { body() }
            elapsed = now() - start
        }
        let perRound = Swift.max(1, Int(Double(calls) * roundSeconds / elapsed))
        var best = Double.infinity
        for _ in 0..<rounds {
            let t0 = now()
            for _ in 0..<perRound { body() }
            best = Swift.min(best, (now() - t0) / Double(perRound))
        }
        return best
    }
}
