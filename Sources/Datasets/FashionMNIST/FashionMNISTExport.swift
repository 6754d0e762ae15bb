import FileWriting
import Foundation
import Synchronization

/// Writes Fashion-MNIST as an ImageFolder tree of PNGs: `DIR/train/<label>-<class>/<index>.png`.
///
/// Class folders start with the label (`0-T-shirt-top`, ..., `9-Ankle boot`) so that their
/// sorted order — which `ImageFolder` uses for labels — is the dataset's label order; file
/// names are zero-padded dataset indices. Each file is written atomically through an
/// exclusively created temporary file (`AtomicFile`); stale temporary files that a killed
/// export left in the class folders are removed first.
public enum FashionMNISTExport {
    /// The folder name of a class: its label, a dash, and its name with `/` replaced by `-`.
    public static func folderName(label: Int) -> String {
        "\(label)-" + FashionMNIST.classes[label].replacingOccurrences(of: "/", with: "-")
    }

    /// Exports the first `limit` images (all when nil) of `dataset` under `root/train` or `root/test`.
    /// - Returns: the number of files written.
    @discardableResult
    public static func export(_ dataset: FashionMNIST, to root: URL, limit: Int? = nil) throws -> Int {
        let split = root.appendingPathComponent(dataset.train ? "train" : "test")
        let count = min(limit ?? dataset.count, dataset.count)
        do {
            for label in 0..<FashionMNIST.classes.count {
                let folder = split.appendingPathComponent(folderName(label: label))
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                StaleTemporaryFiles.remove(in: folder)
            }
        } catch {
            throw DatasetError(split.path, "cannot create the folders (\(error.localizedDescription))")
        }
        let digits = String(dataset.count - 1).count
        let failure = Mutex<DatasetError?>(nil)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            guard failure.withLock({ $0 == nil }) else { return }
            let name = String(repeating: "0", count: max(0, digits - String(index).count)) + "\(index).png"
            let url = split.appendingPathComponent(folderName(label: dataset.label(at: index))).appendingPathComponent(name)
            do {
                try AtomicFile.write(Data(PNG.encode(dataset.image(at: index))), to: url)
            } catch let error as FileWriteError {
                failure.withLock { $0 = $0 ?? DatasetError(error.path, error.problem) }
            } catch {
                failure.withLock { $0 = $0 ?? (error as? DatasetError ?? DatasetError(url.path, "cannot write (\(error.localizedDescription))")) }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return count
    }
}
