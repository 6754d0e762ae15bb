import Foundation
import Tensors

/// Images in one sub-folder per class, like `torchvision.datasets.ImageFolder`.
///
/// Classes are the sub-folder names sorted; samples are sorted by path. PNG (any
/// colour type, 8- or 16-bit) and PGM/PPM files are read; other files are skipped and
/// counted in `skippedFiles`. Images are read when a sample is requested.
public struct ImageFolder: BatchSource {
    /// How images are converted after reading.
    public enum ColorMode: Sendable {
        /// Three RGB channels, like torchvision's default loader (`convert("RGB")`).
        case rgb
        /// One grey channel (`convert("L")`).
        case grayscale
        /// As stored in the file (1–4 channels).
        case asStored
    }

    /// The file extensions read (lower case).
    public static let extensions: Set<String> = ["png", "pgm", "ppm", "pnm"]

    public let root: URL
    /// The class names (sub-folder names), sorted.
    public let classes: [String]
    /// Each class name's label.
    public let classToIndex: [String: Int]
    /// Every image file with its label, sorted by path.
    public let samples: [(path: String, label: Int)]
    /// Files that were not images of a supported type.
    public let skippedFiles: Int
    public let colorMode: ColorMode
    /// Applied to each image; nil means `ToTensor()`.
    public let transform: (any Transform)?

    public var count: Int { samples.count }

    /// Scans `root`; throws naming the folder when it is missing, has no class folders, or a class has no images.
    public init(root: URL, transform: (any Transform)? = nil, colorMode: ColorMode = .rgb) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError(root.path, "no such folder", hint: "Export Fashion-MNIST as images with `tensortop data export --to DIR`.")
        }
        let entries = (try? fm.contentsOfDirectory(atPath: root.path)) ?? []
        let classes = entries.filter { name in
            var dir: ObjCBool = false
            return !name.hasPrefix(".") && fm.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &dir) && dir.boolValue
        }.sorted()
        guard !classes.isEmpty else { throw DatasetError(root.path, "Couldn't find any class folder in \(root.path).") }
        var samples: [(String, Int)] = []
        var skipped = 0
        var empty: [String] = []
        for (label, name) in classes.enumerated() {
            let folder = root.appendingPathComponent(name)
            let files = (fm.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).sorted()
            var found = 0
            for file in files {
                let path = folder.appendingPathComponent(file).path
                var dir: ObjCBool = false
                guard fm.fileExists(atPath: path, isDirectory: &dir), !dir.boolValue else { continue }
                if Self.extensions.contains((file as NSString).pathExtension.lowercased()) {
                    samples.append((path, label))
                    found += 1
                } else {
                    skipped += 1
                }
            }
            if found == 0 { empty.append(name) }
        }
        guard empty.isEmpty else {
            throw DatasetError(root.path, "Found no valid file for the classes \(empty.joined(separator: ", ")). Supported extensions are: \(Self.extensions.sorted().map { "." + $0 }.joined(separator: ", "))")
        }
        self.root = root
        self.classes = classes
        classToIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        self.samples = samples.sorted { $0.0 < $1.0 }
        skippedFiles = skipped
        self.colorMode = colorMode
        self.transform = transform
    }

    /// Reads an image file of a supported type, converted to `colorMode`.
    public func loadImage(at index: Int) throws -> Image {
        let url = URL(fileURLWithPath: samples[index].path)
        let image = url.pathExtension.lowercased() == "png" ? try PNG.read(url) : try PNM.read(url)
        switch colorMode {
        case .rgb: return image.rgb()
        case .grayscale: return image.grayscale()
        case .asStored: return image
        }
    }

    /// The sample at `index`: the transformed image and its label; throws if the file cannot be read.
    public func sample(at index: Int) throws -> (image: Tensor, label: Int) {
        precondition(index >= 0 && index < count, "index \(index) is out of range for \(count) images")
        return (try (transform ?? ToTensor()).tensor(from: loadImage(at: index)), samples[index].label)
    }

    public func batch(_ indices: [Int]) throws -> BatchData {
        var pixels: [Float] = []
        var shape: [Int]?
        for i in indices {
            let image = try sample(at: i).image
            if shape == nil {
                shape = image.shape
            } else if shape != image.shape {
                throw DatasetError(samples[i].path, "has shape \(image.shape) but earlier images in the batch have \(shape!); batches need equal sizes")
            }
            pixels.append(contentsOf: image.scalars)
        }
        return BatchData(columns: [
            BatchColumn(shape: [indices.count] + (shape ?? []), values: .float(pixels)),
            BatchColumn(shape: [indices.count], values: .int64(indices.map { Int64(samples[$0].label) })),
        ])
    }
}
