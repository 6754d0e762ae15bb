import CCPUHints
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Helper threads that share the chunks of one op with the calling thread (PyTorch's intra-op pool).
///
/// `forEachChunk` hands out chunk numbers from one counter, first come first served, and
/// returns when every chunk is done. Which thread computes a chunk never changes what the
/// chunk computes, so results are the same bit for bit whatever the helpers do; a helper
/// that the system does not schedule (a busy neighbour on the other core) simply takes no
/// chunks and the caller does them. Between ops helpers spin briefly on an atomic, then
/// sleep on a semaphore, so an idle or paused trainer costs no CPU.
public final class ComputePool: Sendable {
    /// Threads working on an op: the caller plus the helpers.
    public let threads: Int
    private let shared: Shared
    private let helpers: [JoinableThread]

    /// What the caller and its helpers share.
    private final class Shared: Sendable {
        /// Bumped for every job (and once more to stop): helpers wait for it to change.
        let generation = Atomic<Int>(0)
        let job = Mutex<Job?>(nil)
        let stopping = Atomic<Bool>(false)
        let sleepers: [Sleeper]

        init(helpers: Int) { sleepers = (0..<helpers).map { _ in Sleeper() } }

        /// Tells the helpers that `generation` moved: wakes those asleep.
        func announce() {
            generation.wrappingAdd(1, ordering: .sequentiallyConsistent)
            for sleeper in sleepers where sleeper.asleep.exchange(false, ordering: .sequentiallyConsistent) {
                sleeper.wakeup.signal()
            }
        }
    }

    /// A helper's bed: whether it sleeps, and the semaphore that wakes it.
    ///
    /// The helper sets `asleep` and then checks for work; the caller moves `generation` and
    /// then takes `asleep` back. Whichever comes second sees the other's write, so a helper
    /// never sleeps through a job, and a semaphore is signalled exactly when a helper waits
    /// (or is about to) on it.
    private final class Sleeper: Sendable {
        let asleep = Atomic<Bool>(false)
        let wakeup = DispatchSemaphore(value: 0)
    }

    /// One op's chunks.
    private final class Job: Sendable {
        let count: Int
        let body: @Sendable (Int) -> Void
        let next = Atomic<Int>(0)
        let finished = Atomic<Int>(0)

        init(count: Int, body: @escaping @Sendable (Int) -> Void) {
            self.count = count
            self.body = body
        }

        /// Takes and runs chunks until none are left.
        func work() {
            while true {
                let chunk = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard chunk < count else { return }
                body(chunk)
                finished.wrappingAdd(1, ordering: .releasing)
            }
        }
    }

    /// Seconds a helper keeps watching for the next op before it sleeps: longer than the gaps
    /// between the products of a training step, shorter than anything a person would notice.
    static let watchSeconds = 1e-3
    /// Spins between two looks at the clock.
    static let spinsPerClockRead = 64

    /// Seconds on the monotonic clock.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// A pool with `threads - 1` helper threads; `threads` ≤ 1 makes a pool that runs everything on the caller.
    public init(threads: Int) {
        self.threads = Swift.max(1, threads)
        let shared = Shared(helpers: self.threads - 1)
        self.shared = shared
        helpers = (0..<(self.threads - 1)).map { index in
            JoinableThread(name: "tt-compute-\(index + 1)") { ComputePool.helperLoop(shared, index: index) }
        }
    }

    deinit {
        shared.stopping.store(true, ordering: .releasing)
        shared.announce()
        for helper in helpers { helper.join() }
    }

    /// How many helpers are asleep (waiting on their semaphore) right now.
    var sleepingHelpers: Int {
        shared.sleepers.filter { $0.asleep.load(ordering: .sequentiallyConsistent) }.count
    }

    /// Runs `body(0)`, …, `body(count - 1)`, spread over the caller and the helpers; returns when all are done.
    ///
    /// `body` must only write memory that no other chunk touches.
    public func forEachChunk(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 1, threads > 1 else {
            for chunk in 0..<count { body(chunk) }
            return
        }
        let job = Job(count: count, body: body)
        shared.job.withLock { $0 = job }
        shared.announce()
        job.work()
        var spins = 0
        while job.finished.load(ordering: .acquiring) < count {
            tt_spin_pause()
            spins += 1
            if spins > 10_000 { sched_yield() }  // a helper was descheduled mid-chunk: let it run
        }
        shared.job.withLock { $0 = nil }
    }

    /// Sleeps until the caller wakes this helper, unless `workArrived` already says so.
    private static func sleep(_ sleeper: Sleeper, unless workArrived: () -> Bool) {
        sleeper.asleep.store(true, ordering: .sequentiallyConsistent)
        // Work arrived meanwhile and the caller has not taken `asleep` back: no signal comes.
        if workArrived(), sleeper.asleep.exchange(false, ordering: .sequentiallyConsistent) { return }
        sleeper.wakeup.wait()
    }

    /// A helper: waits for a new job, works on it, and again, until the pool goes away.
    private static func helperLoop(_ shared: Shared, index: Int) {
        var seen = 0
        while true {
            var spins = 0
            var deadline = now() + watchSeconds
            var current = shared.generation.load(ordering: .acquiring)
            while current == seen {
                tt_spin_pause()
                spins += 1
                if spins % spinsPerClockRead == 0 {
                    if now() > deadline {
                        sleep(shared.sleepers[index], unless: { shared.generation.load(ordering: .sequentiallyConsistent) != seen })
                        deadline = now() + watchSeconds
                    }
                }
                current = shared.generation.load(ordering: .acquiring)
            }
            seen = current
            if shared.stopping.load(ordering: .acquiring) { return }
            shared.job.withLock { $0 }?.work()
        }
    }
}
