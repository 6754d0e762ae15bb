import ArgumentParser
import Checkpoints
import Foundation

/// `tensortop convert IN OUT`: convert a state dict between safetensors and PyTorch `.pth`.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a state dict between .safetensors and PyTorch .pth/.pt.",
        discussion: "The output format follows OUT's extension. Values and dtypes are kept exactly; the output is written atomically.")

    @Argument(help: "The checkpoint to read.", completion: .file(extensions: ["safetensors", "pth", "pt"]))
    var input: String

    @Argument(help: "The file to write (.safetensors, .pth or .pt).")
    var output: String

    func validate() throws {
        guard CheckpointFormat(pathExtension: URL(fileURLWithPath: output).pathExtension) != nil else {
            throw ValidationError("OUT must end in .safetensors, .pth or .pt (got '\(output)')")
        }
    }

    func run() throws {
        let checkpoint = try CommandLineError.wrap { try Checkpoint.read(from: URL(fileURLWithPath: input)) }
        try CommandLineError.wrap { try checkpoint.write(to: URL(fileURLWithPath: output)) }
        print("wrote \(output): \(checkpoint.records.count) tensors")
    }
}
