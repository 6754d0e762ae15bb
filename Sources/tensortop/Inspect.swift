import ArgumentParser
import Checkpoints
import NN
import Foundation

/// `tensortop inspect FILE`: list a checkpoint's tensors with statistics.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the tensors in a checkpoint (.safetensors or PyTorch .pth).",
        discussion: "Prints each tensor's name, dtype, shape, mean, std, min and max, then the file's metadata.")

    @Argument(help: "The checkpoint file.", completion: .file(extensions: ["safetensors", "pth", "pt"]))
    var file: String

    func run() throws {
        let url = URL(fileURLWithPath: file)
        let checkpoint = try CommandLineError.wrap { try Checkpoint.read(from: url) }
        let format = (try? Data(contentsOf: url, options: .mappedIfSafe).starts(with: [0x50, 0x4B])) == true ? "PyTorch state dict" : "safetensors"
        print("\(file.escapedForTerminal): \(format), \(checkpoint.records.count) tensors, \(checkpoint.elementCount) elements")
        print(checkpoint.summaryTable())
    }
}
