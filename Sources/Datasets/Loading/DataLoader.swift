import Dispatch
import Foundation
import Synchronization
import Tensors

/// Batches of a dataset, reshuffled every epoch, optionally prefetched by worker threads,
/// like `torch.utils.data.DataLoader`.
///
/// Each `for batch in loader` is one epoch. With `numWorkers > 0`, that many background
/// threads assemble batches ahead into a bounded queue; for the same seed the batches are
/// identical whatever `numWorkers` is. Abandoning an iteration (taking only the first
/// batch) stops and joins its threads.
public final class DataLoader<Source: BatchSource>: Sequence {
    public let dataset: Source
    public let batchSize: Int
    public let shuffle: Bool
    public let dropLast: Bool
    public let numWorkers: Int
    /// Batches each worker may prepare ahead of the consumer.
    public let prefetchFactor: Int
    private let generator: Generator?

    /// - Parameters:
    ///   - generator: the shuffle's random source (the thread's default generator when nil).
    public init(_ dataset: Source, batchSize: Int = 1, shuffle: Bool = false, generator: Generator? = nil,
                dropLast: Bool = false, numWorkers: Int = 0, prefetchFactor: Int = 2) {
        precondition(batchSize > 0, "batch_size should be a positive integer value, but got batch_size=\(batchSize)")
        precondition(numWorkers >= 0, "num_workers option should be non-negative, got \(numWorkers)")
        precondition(prefetchFactor > 0, "prefetch_factor should be positive, got \(prefetchFactor)")
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.generator = generator
        self.dropLast = dropLast
        self.numWorkers = numWorkers
        self.prefetchFactor = prefetchFactor
    }

    /// The number of batches in one epoch (`len(loader)`).
    ///
    /// Worked out without `count + batchSize − 1`, which overflows for a batch size near `Int.max`.
    public var count: Int {
        let (full, rest) = dataset.count.quotientAndRemainder(dividingBy: batchSize)
        return dropLast || rest == 0 ? full : full + 1
    }

    /// Starts an epoch: draws the order (shuffled from the generator) and, with workers, starts them.
    public func makeIterator() -> Iterator {
        let order = shuffle ? (generator ?? defaultGenerator).permutation(dataset.count) : Array(0..<dataset.count)
        let batches = (0..<count).map { b in
            let start = b * batchSize  // at most order.count: b < count
            return Array(order[start..<(start + Swift.min(batchSize, order.count - start))])
        }
        return Iterator(dataset: dataset, batches: batches, workers: numWorkers, prefetch: numWorkers * prefetchFactor)
    }

    /// The same loader with another batch size and a copy of the shuffle's generator in its
    /// present state: later epochs draw the orders this one would (a branch of a run).
    public func branched(batchSize: Int) -> DataLoader {
        DataLoader(dataset, batchSize: batchSize, shuffle: shuffle, generator: generator?.copy() ?? defaultGenerator.copy(),
                   dropLast: dropLast, numWorkers: numWorkers, prefetchFactor: prefetchFactor)
    }

    /// The rest of an epoch: `indices` (in order) in batches of this loader's size.
    public func makeIterator(continuing indices: [Int]) -> Iterator {
        let batches = stride(from: 0, to: indices.count, by: batchSize).compactMap { start -> [Int]? in
            let end = start + Swift.min(batchSize, indices.count - start)
            return dropLast && end - start < batchSize ? nil : Array(indices[start..<end])
        }
        return Iterator(dataset: dataset, batches: batches, workers: numWorkers, prefetch: numWorkers * prefetchFactor)
    }

    /// One epoch's batches, in order.
    public final class Iterator: IteratorProtocol {
        private let dataset: Source
        private let batches: [[Int]]
        private let prefetcher: Prefetcher<Source>?
        private var position = 0

        init(dataset: Source, batches: [[Int]], workers: Int, prefetch: Int) {
            self.dataset = dataset
            self.batches = batches
            prefetcher = workers > 0 && !batches.isEmpty ? Prefetcher(source: dataset, batches: batches, workers: workers, slots: prefetch) : nil
        }

        deinit { prefetcher?.stop() }

        /// The names of this epoch's worker threads (empty without workers), as /proc shows them.
        public var workerThreadNames: [String] { prefetcher?.threadNames ?? [] }

        /// The sample indices of every batch of this epoch.
        public var batchIndices: [[Int]] { batches }

        /// The number of batches not yet handed out.
        public var remainingBatches: Int { Swift.max(0, batches.count - position) }

        /// The sample indices of the batches not yet handed out, in order.
        public var remainingIndices: [Int] { batches[Swift.min(position, batches.count)...].flatMap { $0 } }

        /// The next batch as plain values, or nil at the end of the epoch; throws if the dataset fails.
        public func nextBatchData() throws -> BatchData? {
            guard position < batches.count else { return nil }
            defer { position += 1 }
            if let prefetcher { return try prefetcher.take(position).get() }
            return try dataset.batch(batches[position])
        }

        /// The next batch as tensors, or nil at the end of the epoch; throws if the dataset fails.
        ///
        /// Without workers the dataset makes the tensors directly (`BatchSource.tensorBatch`).
        public func nextBatch() throws -> TensorTuple? {
            guard prefetcher == nil else { return try nextBatchData()?.tensors() }
            guard position < batches.count else { return nil }
            defer { position += 1 }
            return try dataset.tensorBatch(batches[position])
        }

        /// The next batch; a dataset error (e.g. an unreadable image) stops with its message.
        /// Use `nextBatch()` to handle such errors instead.
        public func next() -> TensorTuple? {
            do {
                return try nextBatch()
            } catch {
                preconditionFailure("DataLoader: \(error)")
            }
        }
    }
}

/// Worker threads that assemble batches ahead of the consumer into a bounded queue.
///
/// Workers take batch numbers in increasing order, each after acquiring a queue slot, so
/// the batch the consumer waits for is always being made by someone: no deadlock, and the
/// queue never holds more than `slots` finished batches.
final class Prefetcher<Source: BatchSource>: Sendable {
    private struct State: Sendable {
        var nextBatch = 0
        var stopped = false
        var results: [Int: Result<BatchData, any Error>] = [:]
    }

    private let source: Source
    private let batches: [[Int]]
    private let workers: Int
    private let slots: DispatchSemaphore
    private let ready: [DispatchSemaphore]
    private let state = Mutex(State())
    /// The worker threads, joined by `stop()`.
    private let threads = Mutex<[JoinableThread]>([])
    /// The names the worker threads run under (unique to this prefetcher).
    let threadNames: [String]

    init(source: Source, batches: [[Int]], workers: Int, slots: Int) {
        self.source = source
        self.batches = batches
        self.workers = workers
        // Start at 0 and signal up: libdispatch traps if a semaphore is freed below its initial value.
        self.slots = DispatchSemaphore(value: 0)
        for _ in 0..<max(slots, 1) { self.slots.signal() }
        ready = batches.map { _ in DispatchSemaphore(value: 0) }
        let tag = String(UInt16.random(in: 0...UInt16.max), radix: 16)
        let names = (0..<workers).map { "tt-ld-\(tag)-\($0)" }
        threadNames = names
        let started = names.map { name in
            JoinableThread(name: name) { [self] in work() }
        }
        threads.withLock { $0 = started }
    }

    /// A worker: take a slot, take the next batch number, build it, publish it; until none are left.
    private func work() {
        while true {
            slots.wait()
            let claimed: Int? = state.withLock { s in
                guard !s.stopped, s.nextBatch < batches.count else { return nil }
                defer { s.nextBatch += 1 }
                return s.nextBatch
            }
            guard let number = claimed else {
                slots.signal()  // hand the slot on so every other worker can finish too
                return
            }
            let result = Result { try source.batch(batches[number]) }
            state.withLock { $0.results[number] = result }
            ready[number].signal()
        }
    }

    /// Waits for batch `number` and frees its slot.
    func take(_ number: Int) -> Result<BatchData, any Error> {
        ready[number].wait()
        let result = state.withLock { $0.results.removeValue(forKey: number)! }
        slots.signal()
        return result
    }

    /// Stops the workers after the batches they are making and waits until all have exited.
    func stop() {
        state.withLock { $0.stopped = true }
        for _ in 0..<workers { slots.signal() }
        for thread in threads.withLock({ $0 }) { thread.join() }
    }
}
