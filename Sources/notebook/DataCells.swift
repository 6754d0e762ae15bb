import Datasets
import Foundation
import Tensors

/// 读取数据集 and TensorDataset和DataLoader: the data cells.
enum DataCells {
    static func run() {
        Notebook.cell("直接下载数据集 — FashionMNIST(train:transform:) from the default location") {
            do {
                let trans = Compose([ToTensor()])
                let mnistTrain = try FashionMNIST(train: true, transform: trans)
                let mnistTest = try FashionMNIST(train: false, transform: trans)
                print("found in", mnistTrain.folder.path)
                print(mnistTrain.count, mnistTest.count)
                let (image, label) = mnistTrain[0]
                print(image.shape, label, FashionMNIST.classes[label])
            } catch {
                print("Error:", error)
            }
        }
        Notebook.cell("本地读取数据集 — ImageFolder over an exported copy in class folders") {
            do {
                let test = try FashionMNIST(train: false)
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tensortop-notebook-\(ProcessInfo.processInfo.processIdentifier)")
                defer { try? FileManager.default.removeItem(at: folder) }
                try FashionMNISTExport.export(test, to: folder, limit: 100)  // `tensortop data export --to DIR --test --limit 100`
                let images = try ImageFolder(root: folder.appendingPathComponent("test"), transform: ToTensor())
                print(images.classes)
                print(images.count, "images")
                let (image, label) = try images.sample(at: 0)
                print(image.shape, label, images.classes[label])
            } catch {
                print("Error:", error)
            }
        }
        Notebook.cell("TensorDataset和DataLoader") {
            do {
                try tensorDatasetCell()
            } catch {
                print("Error:", error)
            }
        }
    }

    /// The notebook's TensorDataset/DataLoader cell (our shuffle is seeded, so the batches are reproducible).
    static func tensorDatasetCell() throws {
        let a = Tensor([[11, 22, 33], [44, 55, 66], [77, 88, 99], [11, 22, 33], [44, 55, 66], [77, 88, 99],
                        [11, 22, 33], [44, 55, 66], [77, 88, 99], [11, 22, 33], [44, 55, 66], [77, 88, 99]])
        let b = Tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2])
        let trainIds = try TensorDataset(a, b)  // 要传tensor
        print(trainIds[0..<2])  // 切片输出
        print(String(repeating: "#", count: 30))
        for sample in trainIds {  // 循环取数据
            print(sample[0], sample[1])
        }
        print(String(repeating: "#", count: 30))
        let trainLoader = DataLoader(trainIds, batchSize: 4, shuffle: true, generator: Generator(seed: 0), numWorkers: 0)
        for (i, data) in trainLoader.enumerated() {
            let (xData, label) = (data[0], data[1])
            print(" batch:\(i + 1) x_data:\(xData)  label: \(label)")
        }
        print(String(repeating: "#", count: 30))
        print(trainIds[0])
        print(trainLoader.makeIterator().next()!)  // 查看第一个batch
        print(trainLoader.makeIterator().next()!)  // next(iter(loader)) again: a new epoch, reshuffled
    }
}
