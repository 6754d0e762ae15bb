import Foundation
import Testing
import Datasets
import Tensors

/// TensorDataset, transforms and the DataLoader (shuffling, workers, early exit).
@Suite struct LoadingTests {
    /// The notebook's TensorDataset: 12 rows of three repeating feature vectors and labels 0, 1, 2.
    static func notebookDataset() throws -> TensorDataset {
        let rows = (0..<12).map { i in [[11, 22, 33], [44, 55, 66], [77, 88, 99]][i % 3] }
        return try TensorDataset(Tensor(rows), Tensor((0..<12).map { $0 % 3 }))
    }

    @Test func tensorDatasetPrintsLikeTheNotebook() throws {
        let ids = try Self.notebookDataset()
        #expect(ids[0..<2].description == "(tensor([[11, 22, 33],\n        [44, 55, 66]]), tensor([0, 1]))")
        #expect(ids[0].description == "(tensor([11, 22, 33]), tensor(0))")
        #expect(ids.count == 12)
        #expect(Array(ids).count == 12)
        let error = #expect(throws: DatasetError.self) { try TensorDataset(Tensor.zeros([3, 2]), Tensor.zeros([4])) }
        #expect(error?.problem.contains("Size mismatch between tensors") == true)
    }

    @Test func batchesCoverEveryIndexOnceAndReshuffleEachEpoch() throws {
        let ids = try TensorDataset(Tensor.arange(0, 10, dtype: .int64))
        let loader = DataLoader(ids, batchSize: 4, shuffle: true, generator: Generator(seed: 1))
        #expect(loader.count == 3)
        let first = loader.map { $0[0].int64Scalars }
        let second = loader.map { $0[0].int64Scalars }
        #expect(first.map(\.count) == [4, 4, 2])
        #expect(Set(first.flatMap { $0 }) == Set(0..<10))
        #expect(first != second)
        let dropped = DataLoader(ids, batchSize: 4, dropLast: true)
        #expect(dropped.count == 2)
        #expect(dropped.map { $0[0].int64Scalars } == [[0, 1, 2, 3], [4, 5, 6, 7]])
    }

    @Test func float64ColumnsStayFloat64() throws {
        let values = (0..<6).map { Double($0) / 3 }   // not one of them a float32 value but 0
        let data = try TensorDataset(Tensor(shape: [3, 2], float64Scalars: values), Tensor(shape: [3], int64Scalars: [0, 1, 2]))
        #expect(data[1][0].dtype == .float64 && data[1][0].float64Scalars == [values[2], values[3]])
        let batch = try #require(DataLoader(data, batchSize: 2).makeIterator().next())
        #expect(batch[0].dtype == .float64 && batch[0].float64Scalars == Array(values[0..<4]))
        #expect(batch[1].dtype == .int64)
    }

    @Test func collatedBatchPrintsAsAList() throws {
        let loader = DataLoader(try Self.notebookDataset(), batchSize: 4, shuffle: true, generator: Generator(seed: 0))
        let batch = try #require(loader.makeIterator().next())
        #expect(batch.description.hasPrefix("[tensor([["))
        #expect(batch[0].shape == [4, 3] && batch[1].shape == [4])
    }

    @Test(arguments: [1, 2, 3])
    func workersGiveTheSameBatchesAsTheMainThread(workers: Int) throws {
        let folder = TestFiles.folder()
        TestFiles.writeDataset(in: folder, trainCount: 100)
        let data = try FashionMNIST(root: folder)
        func epochs(_ numWorkers: Int) -> [[Float]] {
            let loader = DataLoader(data, batchSize: 7, shuffle: true, generator: Generator(seed: 42), numWorkers: numWorkers)
            return (0..<2).flatMap { _ in loader.map { batch -> [Float] in batch[0].scalars + batch[1].scalars } }
        }
        #expect(epochs(workers) == epochs(0))
    }

    /// The names of this process's threads, as /proc shows them.
    static func threadNames() -> Set<String> {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return Set(tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8) }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
    }

    @Test func abandoningAnEpochStopsItsThreads() throws {
        let ids = try TensorDataset(Tensor.arange(0, 1000, dtype: .int64))
        let loader = DataLoader(ids, batchSize: 4, shuffle: true, numWorkers: 2)
        var names: [String] = []
        do {
            let iterator = loader.makeIterator()
            #expect(iterator.next() != nil)  // like next(iter(loader))
            names = iterator.workerThreadNames
            #expect(names.count == 2)
            #expect(Set(names).isSubset(of: Self.threadNames()))
        }
        // The iterator is gone: its workers were stopped and joined.
        #expect(Self.threadNames().isDisjoint(with: names))
        for _ in 0..<20 {
            let iterator = loader.makeIterator()
            _ = iterator.next()
            names += iterator.workerThreadNames
        }
        #expect(Self.threadNames().isDisjoint(with: names))
    }

    @Test func transforms() throws {
        let image = Image(width: 2, height: 1, channels: 3, pixels: [0, 51, 102, 153, 204, 255])
        guard case .tensor(let t) = try ToTensor().apply(.image(image)) else { Issue.record("not a tensor"); return }
        #expect(t.shape == [3, 1, 2])
        #expect(t.scalars == [0, 153, 51, 204, 102, 255].map { Float($0) / 255 })
        let pipeline = Compose([ToTensor(), Normalize(mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5]), Lambda(tensor: { $0 * 2 })])
        guard case .tensor(let n) = try pipeline.apply(.image(image)) else { Issue.record("not a tensor"); return }
        #expect(n.scalars.map { ($0 * 1000).rounded() / 1000 } == t.scalars.map { (((($0 - 0.5) / 0.5) * 2) * 1000).rounded() / 1000 })
        #expect(throws: DatasetError.self) { try Normalize(mean: [0], std: [1]).apply(.image(image)) }
    }
}
