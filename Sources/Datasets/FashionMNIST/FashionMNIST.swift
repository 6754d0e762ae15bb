import Foundation
import Tensors

/// Zalando's Fashion-MNIST: 28×28 grey images of clothes in 10 classes (60,000 for
/// training, 10,000 for testing), like `torchvision.datasets.FashionMNIST`.
///
/// Images stay as bytes in memory (784 per image); conversion to float happens per
/// sample or per batch. A folder the user names (`root`, else `$TENSORTOP_DATA`) is the only
/// place looked in, so a wrong name fails naming it instead of quietly using other data;
/// without one, the Debian package's `/usr/share/datasets/fashion-mnist` (`make deps`
/// installs it) and the per-user cache are searched, in that order. torchvision's
/// `ROOT/FashionMNIST/raw/` layout works too.
public struct FashionMNIST: BatchSource, Sequence {
    /// The class names, indexed by label.
    public static let classes = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]
    /// Image height and width.
    public static let side = 28
    /// One image as a tensor's shape, `[C, H, W]`.
    public static let imageShape = [1, side, side]

    /// The folder the files were read from.
    public let folder: URL
    /// Whether this is the training split (else the test split).
    public let train: Bool
    /// count × 784 pixel bytes, row-major.
    public let images: ArraySlice<UInt8>
    /// One label (0–9) per image.
    public let labels: ArraySlice<UInt8>
    /// Applied to each sample; nil means `ToTensor()`.
    public let transform: (any Transform)?

    public var count: Int { labels.count }

    /// Loads a split, searching the default places when `root` is nil.
    ///
    /// With `download: true`, missing files are fetched first (see `FashionMNISTDownload`)
    /// into `root`, or into the per-user cache.
    public init(root: URL? = nil, train: Bool = true, transform: (any Transform)? = nil, download: Bool = false) throws {
        let folder: URL
        if let found = try? Self.locate(root: root) {
            folder = found
        } else if download {
            let target = root ?? FashionMNISTLocation.environmentRoot ?? FashionMNISTLocation.userCache
            try FashionMNISTDownload().fetch(into: target)
            folder = try Self.locate(root: target)
        } else {
            folder = try Self.locate(root: root)
        }
        let split = train ? FashionMNISTFiles.train : FashionMNISTFiles.test
        let imageFile = try IDXFile(contentsOf: try FashionMNISTLocation.file(split.images, in: folder), expectedMagic: IDXFile.imageMagic)
        let labelFile = try IDXFile(contentsOf: try FashionMNISTLocation.file(split.labels, in: folder), expectedMagic: IDXFile.labelMagic)
        let imagePath = try FashionMNISTLocation.file(split.images, in: folder).path
        guard imageFile.dims.count == 3, imageFile.dims[1] == Self.side, imageFile.dims[2] == Self.side else {
            throw DatasetError(imagePath, "expected 28×28 images, the file holds dims \(imageFile.dims)")
        }
        guard labelFile.dims.count == 1, labelFile.dims[0] == imageFile.dims[0] else {
            throw DatasetError(folder.path, "the image file holds \(imageFile.dims[0]) images but the label file holds \(labelFile.dims.first ?? 0) labels")
        }
        if let bad = labelFile.bytes.first(where: { $0 > 9 }) {
            throw DatasetError(try FashionMNISTLocation.file(split.labels, in: folder).path, "label \(bad) is not a class 0–9")
        }
        self.folder = folder
        self.train = train
        self.images = imageFile.bytes
        self.labels = labelFile.bytes
        self.transform = transform
    }

    /// The folder holding the four files: `root` (or its torchvision layout), else `$TENSORTOP_DATA`,
    /// else the default places. A named folder without the files is an error naming it.
    public static func locate(root: URL? = nil) throws -> URL {
        let named = root ?? FashionMNISTLocation.environmentRoot
        let candidates = named.map { [$0] } ?? FashionMNISTLocation.defaultRoots
        for candidate in candidates {
            for folder in [candidate, candidate.appendingPathComponent("FashionMNIST/raw")] where FashionMNISTLocation.hasAllFiles(folder) {
                return folder
            }
        }
        let source = root != nil ? "" : named != nil ? " (from $TENSORTOP_DATA)" : ""
        let missing = named.map { FashionMNISTLocation.missingFiles(in: $0) } ?? FashionMNISTFiles.all
        let problem = named.map { FileManager.default.fileExists(atPath: $0.path) } == false
            ? "Dataset not found: the folder does not exist"
            : "Dataset not found: no Fashion-MNIST there (missing \(missing.map { $0 + "[.gz]" }.joined(separator: ", ")))"
        let getIt = "get the data with `make deps` (Debian package dataset-fashion-mnist) or `tensortop data download`"
        let hint = root != nil
            ? "Check --data PATH (the folder holding the four IDX files), leave --data out to use the usual places, or \(getIt)."
            : named != nil
            ? "Check TENSORTOP_DATA (the folder holding the four IDX files), unset it to use the usual places, or \(getIt)."
            : "Get the data with `make deps` (Debian package dataset-fashion-mnist), pass --data PATH, or run `tensortop data download`."
        throw DatasetError(candidates.map(\.path).joined(separator: ", ") + source, problem, hint: hint)
    }

    /// The raw image at `index`.
    public func image(at index: Int) -> Image {
        let start = images.startIndex + index * 784
        return Image(width: 28, height: 28, channels: 1, pixels: Array(images[start..<(start + 784)]))
    }

    /// The label at `index`.
    public func label(at index: Int) -> Int { Int(labels[labels.startIndex + index]) }

    /// The sample at `index`: the transformed image (a [1, 28, 28] tensor by default) and its label.
    public subscript(index: Int) -> (image: Tensor, label: Int) {
        precondition(index >= 0 && index < count, "index \(index) is out of range for \(count) images")
        do {
            return (try (transform ?? ToTensor()).tensor(from: image(at: index)), label(at: index))
        } catch {
            preconditionFailure("FashionMNIST transform failed: \(error)")
        }
    }

    public func makeIterator() -> AnyIterator<(image: Tensor, label: Int)> {
        var i = 0
        return AnyIterator {
            defer { i += 1 }
            return i < count ? self[i] : nil
        }
    }

    /// Images as a [B, 1, 28, 28] float column and labels as a [B] int64 column.
    ///
    /// Without a transform the bytes are converted straight into one buffer (÷255).
    /// The batch as tensors: without a transform, the images' bytes go straight into the image
    /// tensor (shared among the calling thread's compute threads), with exactly `batch`'s values.
    public func tensorBatch(_ indices: [Int]) throws -> TensorTuple {
        guard transform == nil else { return try batch(indices).tensors() }
        let pixels = images.withUnsafeBufferPointer { bytes in
            Tensor.gatheringByteRows(bytes, rowLength: 784, rows: indices, shape: [indices.count, 1, 28, 28], dividedBy: 255)
        }
        let targets = Tensor(shape: [indices.count], int64Scalars: indices.map { Int64(labels[labels.startIndex + $0]) })
        return TensorTuple([pixels, targets], printsAsList: true)
    }

    public func batch(_ indices: [Int]) throws -> BatchData {
        var pixels = [Float](repeating: 0, count: indices.count * 784)
        if let transform {
            var offset = 0
            for i in indices {
                let t = try transform.tensor(from: image(at: i))
                pixels.replaceSubrange(offset..<(offset + t.count), with: t.scalars)
                offset += t.count
                guard t.count == 784 else { throw DatasetError("transform", "must keep 784 values per image, made shape \(t.shape)") }
            }
        } else {
            images.withUnsafeBufferPointer { source in
                pixels.withUnsafeMutableBufferPointer { out in
                    for (row, i) in indices.enumerated() {
                        let src = source.baseAddress! + i * 784, dst = out.baseAddress! + row * 784
                        for p in 0..<784 { dst[p] = Float(src[p]) / 255 }  // exactly ToTensor's values (vectorised)
                    }
                }
            }
        }
        let targets = indices.map { Int64(labels[labels.startIndex + $0]) }
        return BatchData(columns: [
            BatchColumn(shape: [indices.count, 1, 28, 28], values: .float(pixels)),
            BatchColumn(shape: [indices.count], values: .int64(targets)),
        ])
    }
}

/// The file names of one split.
public struct FashionMNISTFiles: Sendable {
    public let images: String
    public let labels: String
    public static let train = FashionMNISTFiles(images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte")
    public static let test = FashionMNISTFiles(images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte")
    /// All four base names (without `.gz`).
    public static let all = [train.images, train.labels, test.images, test.labels]
}

/// Where Fashion-MNIST lives on this machine.
public enum FashionMNISTLocation {
    /// The Debian package's folder.
    public static let debianPackage = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")

    /// `$XDG_CACHE_HOME/tensortop/fashion-mnist` (or `~/.cache/...`).
    public static var userCache: URL {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent("tensortop/fashion-mnist")
    }

    /// `$TENSORTOP_DATA` when it is set and not empty: a folder the user named.
    public static var environmentRoot: URL? {
        guard let env = ProcessInfo.processInfo.environment["TENSORTOP_DATA"], !env.isEmpty else { return nil }
        return URL(fileURLWithPath: env)
    }

    /// The places searched when the user names none: the Debian package, the user cache.
    public static var defaultRoots: [URL] { [debianPackage, userCache] }

    /// The base names of the files `folder` lacks (looking in its torchvision layout too when that has more).
    static func missingFiles(in folder: URL) -> [String] {
        let layouts = [folder, folder.appendingPathComponent("FashionMNIST/raw")]
        let missing = layouts.map { layout in FashionMNISTFiles.all.filter { (try? file($0, in: layout)) == nil } }
        return missing.min { $0.count < $1.count } ?? FashionMNISTFiles.all
    }

    /// Whether `folder` has all four files (each plain or `.gz`).
    static func hasAllFiles(_ folder: URL) -> Bool {
        FashionMNISTFiles.all.allSatisfy { (try? file($0, in: folder)) != nil }
    }

    /// `name.gz` or `name` in `folder`, whichever exists.
    static func file(_ name: String, in folder: URL) throws -> URL {
        for candidate in [name + ".gz", name] {
            let url = folder.appendingPathComponent(candidate)
            if FileManager.default.isReadableFile(atPath: url.path) { return url }
        }
        throw DatasetError(folder.appendingPathComponent(name + ".gz").path, "missing")
    }
}
