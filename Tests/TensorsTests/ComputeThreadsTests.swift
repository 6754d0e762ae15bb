import Foundation
import Synchronization
import Testing
@testable import Tensors

/// Ops on several threads (`setComputeThreads`): every chunk runs once, products are split without
/// changing a bit in fixed-order mode, the setting is per thread, and helpers end with their thread.
@Suite(.serialized) struct ComputeThreadsTests {
    /// Runs `body` on a new thread and waits for it (so a test's setting never leaks to another test).
    static func onOwnThread(_ body: @escaping @Sendable () -> Void) {
        let thread = JoinableThread(name: "tt-test-ops", body)
        thread.join()
    }

    /// Names of this process's threads.
    static func threadNames() -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8) }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    @Test(arguments: [1, 2, 3])
    func everyChunkRunsExactlyOnce(threads: Int) {
        let pool = ComputePool(threads: threads)
        for count in [0, 1, 2, 5, 64] {
            for round in 0..<50 {
                let runs = Mutex([Int](repeating: 0, count: count))
                pool.forEachChunk(count) { chunk in runs.withLock { $0[chunk] += 1 } }
                #expect(runs.withLock { $0 } == [Int](repeating: 1, count: count), "count \(count), round \(round)")
            }
        }
    }

    @Test func helpersWakeAfterSleeping() {
        let pool = ComputePool(threads: 2)
        for round in 0..<20 {
            // Idle longer than its watch, the helper goes to sleep; wait for that, then give it work.
            let deadline = Date().addingTimeInterval(10)
            while pool.sleepingHelpers == 0 && Date() < deadline { sched_yield() }
            #expect(pool.sleepingHelpers == 1, "round \(round): the helper never went to sleep")
            let done = Atomic<Int>(0)
            pool.forEachChunk(8) { _ in done.wrappingAdd(1, ordering: .relaxed) }
            #expect(done.load(ordering: .relaxed) == 8)
        }
    }

    @Test func blocksCoverTheLengthInTileMultiples() {
        for length in [1, 15, 16, 17, 100, 256, 784] {
            for parts in [2, 3, 4] {
                let blocks = (0..<parts).map { MatrixProduct.block($0, of: parts, length: length) }
                #expect(blocks.first?.lowerBound == 0 && blocks.last?.upperBound == length)
                for (left, right) in zip(blocks, blocks.dropFirst()) {
                    #expect(left.upperBound == right.lowerBound)
                    #expect(left.upperBound % MatrixProduct.blockAlignment == 0 || left.upperBound == length)
                }
            }
        }
    }

    /// Products large enough to be split, with m ≥ n (rows split) and m < n (columns split).
    static let shapes: [(m: Int, n: Int, k: Int)] = [(256, 100, 300), (37, 530, 129), (130, 130, 64)]

    @Test(arguments: shapes)
    func fixedOrderProductsAreTheSameOnEveryThreadCount(shape: (m: Int, n: Int, k: Int)) {
        Self.onOwnThread {
            let (m, n, k) = shape
            #expect(m * n * k >= MatrixProduct.parallelWork)
            let generator = Generator(seed: 11)
            let a = Tensor.randn([m, k], generator: generator), b = Tensor.randn([k, n], generator: generator)
            let aT = a.t().contiguous().t(), bT = b.t().contiguous().t()
            useDeterministicAlgorithms(true)
            func products() -> [[UInt32]] { [(a, b), (aT, b), (a, bT), (aT, bT)].map { $0.matmul($1).scalars.map(\.bitPattern) } }
            setComputeThreads(1)
            let single = products()
            for threads in [2, 3] {
                setComputeThreads(threads)
                #expect(products() == single, "\(threads) threads")
            }
            setComputeThreads(1)
        }
    }

    @Test func blasProductsOnTwoThreadsMatchOneAndRepeatThemselves() {
        Self.onOwnThread {
            let generator = Generator(seed: 12)
            let x = Tensor.randn([256, 784], generator: generator)
            let w = Tensor.randn([256, 784], generator: generator)
            let single = x.matmul(w.t()).scalars
            setComputeThreads(2)
            let first = x.matmul(w.t()).scalars, second = x.matmul(w.t()).scalars
            setComputeThreads(1)
            #expect(first.map(\.bitPattern) == second.map(\.bitPattern))
            let worst = zip(first, single).map { abs($0 - $1) / Swift.max(1, abs($1)) }.max() ?? 0
            #expect(worst < 1e-4)
        }
    }

    @Test func theSettingBelongsToOneThreadAndItsHelpersEndWithIt() {
        Self.onOwnThread {
            setComputeThreads(2)
            #expect(computeThreads == 2)
            Self.onOwnThread { #expect(computeThreads == 1) }
            #expect(Self.threadNames().contains("tt-compute-1"))
        }
        // The thread is gone, and with it its state and the pool's helper.
        #expect(!Self.threadNames().contains("tt-compute-1"))
    }
}
