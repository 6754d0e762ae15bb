import Foundation
import Testing
import Datasets
import Tensors

/// ImageFolder trees, and the Fashion-MNIST export that makes one.
@Suite struct ImageFolderTests {
    /// root/cat/{b.png, a.pgm, notes.txt}, root/dog/{c.ppm}.
    func smallTree() throws -> URL {
        let root = TestFiles.folder()
        let fm = FileManager.default
        for name in ["cat", "dog"] { try fm.createDirectory(at: root.appendingPathComponent(name), withIntermediateDirectories: true) }
        try Data(PNG.encode(Image(width: 2, height: 1, channels: 1, pixels: [10, 20]))).write(to: root.appendingPathComponent("cat/b.png"))
        try Data(PNM.encode(Image(width: 2, height: 1, channels: 1, pixels: [30, 40]))).write(to: root.appendingPathComponent("cat/a.pgm"))
        try Data("hello".utf8).write(to: root.appendingPathComponent("cat/notes.txt"))
        try Data(PNM.encode(Image(width: 2, height: 1, channels: 3, pixels: [1, 2, 3, 4, 5, 6]))).write(to: root.appendingPathComponent("dog/c.ppm"))
        return root
    }

    @Test func classesSamplesAndSkippedFiles() throws {
        let root = try smallTree()
        let folder = try ImageFolder(root: root)
        #expect(folder.classes == ["cat", "dog"])
        #expect(folder.classToIndex == ["cat": 0, "dog": 1])
        #expect(folder.samples.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["a.pgm", "b.png", "c.ppm"])
        #expect(folder.samples.map(\.label) == [0, 0, 1])
        #expect(folder.skippedFiles == 1)
        let (image, label) = try folder.sample(at: 1)
        #expect(image.shape == [3, 1, 2])  // RGB like torchvision's loader
        #expect(label == 0)
        #expect(image.scalars == [10, 20, 10, 20, 10, 20].map { Float($0) / 255 })
        let grey = try ImageFolder(root: root, colorMode: .grayscale)
        #expect(try grey.sample(at: 0).image.scalars == [30, 40].map { Float($0) / 255 })
    }

    @Test func badTreesAreNamed() throws {
        let empty = TestFiles.folder()
        let noClasses = #expect(throws: DatasetError.self) { try ImageFolder(root: empty) }
        #expect(noClasses?.problem.contains("Couldn't find any class folder") == true)

        try FileManager.default.createDirectory(at: empty.appendingPathComponent("lonely"), withIntermediateDirectories: true)
        let emptyClass = #expect(throws: DatasetError.self) { try ImageFolder(root: empty) }
        #expect(emptyClass?.problem.contains("Found no valid file for the classes lonely") == true)

        let missing = #expect(throws: DatasetError.self) { try ImageFolder(root: empty.appendingPathComponent("absent")) }
        #expect(missing?.problem == "no such folder")
    }

    @Test func unreadableImageIsReportedByPath() throws {
        let root = try smallTree()
        try Data("garbage".utf8).write(to: root.appendingPathComponent("dog/c.ppm"))
        let folder = try ImageFolder(root: root)
        let error = #expect(throws: DatasetError.self) { try folder.batch([2]) }
        #expect(error?.path.hasSuffix("dog/c.ppm") == true)
        let loader = DataLoader(folder, batchSize: 3)
        let iterator = loader.makeIterator()
        #expect(throws: DatasetError.self) { try iterator.nextBatch() }
    }

    @Test func exportedTreeGivesBackTheSamePixelsAndLabels() throws {
        let source = TestFiles.folder()
        TestFiles.writeDataset(in: source, trainCount: 25)
        let data = try FashionMNIST(root: source)
        let out = TestFiles.folder()
        #expect(try FashionMNISTExport.export(data, to: out, limit: 20) == 20)
        let folder = try ImageFolder(root: out.appendingPathComponent("train"), colorMode: .grayscale)
        #expect(folder.classes.first == "0-T-shirt-top" && folder.classes.last == "9-Ankle boot")
        #expect(folder.count == 20)
        for (i, sample) in folder.samples.enumerated() {
            let index = Int(URL(fileURLWithPath: sample.path).deletingPathExtension().lastPathComponent)!
            #expect(sample.label == data.label(at: index))
            #expect(try folder.loadImage(at: i) == data.image(at: index))
        }
        // Nothing but PNGs was written (the temporary names were renamed).
        let files = FileManager.default.enumerator(atPath: out.path)!.allObjects as! [String]
        #expect(files.filter { $0.hasSuffix(".png") }.count == 20)
        #expect(!files.contains { $0.contains(".tmp") })
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")))
    func realDataExportsAndReadsBack() throws {
        let test = try FashionMNIST(root: FashionMNISTLocation.debianPackage, train: false)
        let out = TestFiles.folder()
        try FashionMNISTExport.export(test, to: out, limit: 50)
        let folder = try ImageFolder(root: out.appendingPathComponent("test"), colorMode: .grayscale)
        for (i, sample) in folder.samples.enumerated() {
            let index = Int(URL(fileURLWithPath: sample.path).deletingPathExtension().lastPathComponent)!
            #expect(sample.label == test.label(at: index))
            #expect(try folder.sample(at: i).image.scalars == test[index].image.scalars)
        }
    }
}
