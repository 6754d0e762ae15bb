import ArgumentParser
import Datasets
import Foundation

/// `tensortop data ...`: find, download and export Fashion-MNIST.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Find, download or export the Fashion-MNIST data set.",
        discussion: """
            A folder named with --data, or else in $TENSORTOP_DATA, is the only place looked in \
            (a wrong name is an error, never a quiet switch to other data). Without either, \
            TensorTop looks in /usr/share/datasets/fashion-mnist (the Debian package \
            dataset-fashion-mnist, which `make deps` installs), then \
            \(FashionMNISTLocation.userCache.path). A folder in torchvision's layout \
            (ROOT/FashionMNIST/raw/) works too.
            """,
        subcommands: [DataInfo.self, DataDownload.self, DataExport.self],
        defaultSubcommand: DataInfo.self)
}

/// `tensortop data info`: where the data is and what it holds.
struct DataInfo: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Show where Fashion-MNIST was found and how many images each split has.")

    @Option(name: .long, help: "A folder holding the four IDX files (.gz or not).")
    var data: String?

    func run() throws {
        let root = data.map { URL(fileURLWithPath: $0) }
        let folder = try CommandLineError.wrap { try FashionMNIST.locate(root: root) }
        let train = try CommandLineError.wrap { try FashionMNIST(root: folder) }
        let test = try CommandLineError.wrap { try FashionMNIST(root: folder, train: false) }
        print("Fashion-MNIST in \(folder.path): \(train.count) training and \(test.count) test images, 28×28, 10 classes")
        print("classes: " + FashionMNIST.classes.enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: ", "))
    }
}

/// `tensortop data download`: fetch the four files and check their MD5s.
struct DataDownload: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download Fashion-MNIST and verify each file's MD5.",
        discussion: "Files already present are kept. Each file is written under a temporary name and renamed only after its checksum matched.")

    @Option(name: .long, help: "The folder to download into (default: $TENSORTOP_DATA if set, else the per-user cache).")
    var to: String?

    @Option(name: .long, help: "The base URL of a mirror holding the four .gz files.")
    var mirror: String = FashionMNISTDownload.defaultMirror.absoluteString

    func validate() throws {
        guard let url = URL(string: mirror), url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("--mirror must be an http or https URL, got '\(mirror)'")
        }
    }

    func run() throws {
        // Where TENSORTOP_DATA points is where later runs will look, so that is where the files go.
        let folder = to.map { URL(fileURLWithPath: $0) } ?? FashionMNISTLocation.environmentRoot ?? FashionMNISTLocation.userCache
        var mirrorURL = URL(string: mirror)!
        if !mirror.hasSuffix("/") { mirrorURL = URL(string: mirror + "/")! }
        let fetched = try CommandLineError.wrap {
            try FashionMNISTDownload(mirror: mirrorURL).fetch(into: folder) { print($0) }
        }
        print(fetched.isEmpty ? "all four files are already in \(folder.path)" : "downloaded \(fetched.count) files into \(folder.path)")
    }
}

/// `tensortop data export`: write the images as PNG files in ImageFolder layout.
struct DataExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write Fashion-MNIST as PNG files: DIR/train/<label>-<class>/<index>.png (and DIR/test/...).",
        discussion: "The tree loads with ImageFolder (and torchvision's) and gives back the same pixels and labels as the IDX files.")

    @Option(name: .long, help: "The folder to write into.")
    var to: String

    @Flag(name: .long, help: "Export only the training split.")
    var train = false

    @Flag(name: .long, help: "Export only the test split.")
    var test = false

    @Option(name: .long, parsing: .unconditional, help: "Export only the first N images of each split.")
    var limit: Int?

    @Option(name: .long, help: "A folder holding the four IDX files (default: the usual places).")
    var data: String?

    func validate() throws {
        if let limit, limit <= 0 { throw ValidationError("--limit must be a positive number of images, got \(limit)") }
    }

    func run() throws {
        let root = data.map { URL(fileURLWithPath: $0) }
        let splits = train == test ? [true, false] : [train]
        for isTrain in splits {
            let dataset = try CommandLineError.wrap { try FashionMNIST(root: root, train: isTrain) }
            let written = try CommandLineError.wrap { try FashionMNISTExport.export(dataset, to: URL(fileURLWithPath: to), limit: limit) }
            print("wrote \(written) images to \(URL(fileURLWithPath: to).appendingPathComponent(isTrain ? "train" : "test").path)")
        }
    }
}
