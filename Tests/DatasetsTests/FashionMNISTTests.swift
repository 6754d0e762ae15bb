import Foundation
import Testing
import Datasets
import Tensors

/// Fashion-MNIST from IDX files the tests write, and from the real data set where installed.
@Suite struct FashionMNISTTests {
    @Test(arguments: [true, false])
    func loadsBothSplitsFromGzipAndPlainFiles(gzip: Bool) throws {
        let folder = TestFiles.folder()
        TestFiles.writeDataset(in: folder, gzip: gzip)
        let train = try FashionMNIST(root: folder)
        let test = try FashionMNIST(root: folder, train: false)
        #expect(train.count == 30 && test.count == 12)
        #expect(Array(train.images.prefix(784)) == Array(TestFiles.pixels(count: 1)))
        let (image, label) = train[13]
        #expect(image.shape == [1, 28, 28])
        #expect(label == 3)
        let expected = TestFiles.pixels(count: 14).suffix(784).map { Float($0) / 255 }
        #expect(image.scalars == expected)
        #expect(FashionMNIST.classes[9] == "Ankle boot")
    }

    @Test func acceptsTorchvisionLayoutAndEnvironmentRoot() throws {
        let root = TestFiles.folder()
        let raw = root.appendingPathComponent("FashionMNIST/raw")
        try FileManager.default.createDirectory(at: raw, withIntermediateDirectories: true)
        TestFiles.writeDataset(in: raw)
        #expect(try FashionMNIST.locate(root: root).standardizedFileURL.path == raw.standardizedFileURL.path)
        #expect(try FashionMNIST(root: root).count == 30)
    }

    @Test func batchesConvertBytesToFloatsWithLabels() throws {
        let folder = TestFiles.folder()
        TestFiles.writeDataset(in: folder)
        let data = try FashionMNIST(root: folder)
        let batch = try data.batch([2, 0, 11]).tensors()
        #expect(batch[0].shape == [3, 1, 28, 28])
        #expect(batch[1].int64Scalars == [2, 0, 1])
        #expect(batch[0][1].scalars == data[0].image.scalars)
        let normalized = try FashionMNIST(root: folder, transform: Compose([ToTensor(), Normalize(mean: [0.5], std: [0.5])]))
        let n = try normalized.batch([0]).tensors()[0]
        #expect(n.scalars == data[0].image.scalars.map { ($0 - 0.5) / 0.5 })
    }

    @Test func missingDataSaysWhereItLookedAndWhatToDo() {
        let nowhere = TestFiles.folder().appendingPathComponent("nothing-here")
        let error = #expect(throws: DatasetError.self) { try FashionMNIST(root: nowhere) }
        #expect(error?.path.contains("nothing-here") == true)
        #expect(error?.hint?.contains("make deps") == true)
        #expect(error?.hint?.contains("--data PATH") == true)
        #expect(error?.hint?.contains("tensortop data download") == true)
    }

    /// Writes a dataset, then replaces one file with `bytes`, and returns the load error.
    func loadError(replacing name: String, with bytes: [UInt8]) -> DatasetError? {
        let folder = TestFiles.folder()
        TestFiles.writeDataset(in: folder, gzip: false)
        try! Data(bytes).write(to: folder.appendingPathComponent(name))
        return #expect(throws: DatasetError.self) { try FashionMNIST(root: folder) }
    }

    @Test func wrongMagicNumber() {
        let error = loadError(replacing: "train-images-idx3-ubyte", with: TestFiles.idx(magic: 0x801, dims: [1], values: [0]))
        #expect(error?.path.hasSuffix("train-images-idx3-ubyte") == true)
        #expect(error?.problem.contains("wrong magic number 0x00000801, expected 0x00000803") == true)
    }

    @Test func dimensionsThatDoNotMatchTheFileSize() {
        let error = loadError(replacing: "train-images-idx3-ubyte", with: TestFiles.idx(magic: 0x803, dims: [30, 28, 28], values: [UInt8](repeating: 0, count: 100)))
        #expect(error?.problem.contains("need 23520 bytes of data but the file has 100") == true)
    }

    @Test func imageAndLabelCountsDiffer() {
        let error = loadError(replacing: "train-labels-idx1-ubyte", with: TestFiles.idx(magic: 0x801, dims: [29], values: TestFiles.labels(count: 29)))
        #expect(error?.problem.contains("30 images but the label file holds 29 labels") == true)
    }

    @Test func truncatedGzip() throws {
        let folder = TestFiles.folder()
        TestFiles.writeDataset(in: folder)
        let url = folder.appendingPathComponent("train-images-idx3-ubyte.gz")
        let full = try Data(contentsOf: url)
        try full.prefix(full.count / 2).write(to: url)
        let error = #expect(throws: DatasetError.self) { try FashionMNIST(root: folder) }
        #expect(error?.path == url.path)
        #expect(error?.problem.contains("truncated") == true)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")))
    func realDataSetFromTheDebianPackage() throws {
        let train = try FashionMNIST(root: FashionMNISTLocation.debianPackage)
        let test = try FashionMNIST(root: FashionMNISTLocation.debianPackage, train: false)
        #expect(train.count == 60_000 && test.count == 10_000)
        #expect((0..<3).map(test.label(at:)) == [9, 2, 1])
        #expect(abs(test[0].image.sum().item() - 131.2) < 1e-3)  // PyTorch's pixel sum of the first test image
        #expect(Set(train.labels).count == 10)
    }
}
