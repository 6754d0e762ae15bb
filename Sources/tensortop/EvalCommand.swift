import ArgumentParser
import Checkpoints
import Datasets
import Foundation
import NN
import Tensors
import Training

/// Loads a model from a weights file: a whole-model file rebuilds itself; a state dict
/// (safetensors or PyTorch .pth) goes into the architecture the model options name.
struct WeightsOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A .safetensors (from tensortop) or PyTorch .pth state dict.", valueName: "file"))
    var weights: String

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .long, help: ArgumentHelp("The Fashion-MNIST folder.", valueName: "path"))
    var data: String?

    /// Refuses model options that name no architecture, one that is not a Fashion-MNIST
    /// classifier, or one too large to run here, before anything is read (exit code 64, like `train`).
    func validate() throws {
        do {
            _ = try optionsModel()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The architecture the model options name, checked to fit in memory; a `ConfigError` naming the flag.
    private func optionsModel() throws -> ModuleSpec {
        let spec = try modelOptions.preset().spec
        if let problem = try Self.memoryProblem(spec, named: modelOptions.value) { throw ConfigError(modelOptions.flag, problem) }
        return spec
    }

    /// The model to run: the file's own architecture, or the model options' filled with the
    /// file's weights; either is checked to take Fashion-MNIST and to fit in memory before it is built.
    func loadModel() throws -> Module {
        let url = URL(fileURLWithPath: weights)
        let checkpoint = try CommandLineError.wrap { try Checkpoint.read(from: url) }
        if let spec = try CommandLineError.wrap({ try ModelFile.architecture(of: checkpoint, path: weights) }) {
            try refuseOtherArchitecture(spec)
            try checkFitsFashionMNIST(spec)
            if let problem = try CommandLineError.wrap({ try Self.memoryProblem(spec, named: "the model") }) {
                throw CommandLineError(description: "\(weights): \(problem)")
            }
            return try CommandLineError.wrap { try ModelFile.model(spec, weights: checkpoint, path: weights) }
        }
        let model = try CommandLineError.wrap { try optionsModel() }.makeModule()
        do {
            try model.loadStateDict(checkpoint.stateDict())
        } catch {
            throw CommandLineError(description: "\(weights) does not fit \(modelOptions.written):\n\(error)")
        }
        return model
    }

    /// A whole-model file rebuilds its own architecture: model options naming another one are refused, not ignored.
    private func refuseOtherArchitecture(_ stored: ModuleSpec) throws {
        guard modelOptions.isGiven else { return }
        let asked = try CommandLineError.wrap { try modelOptions.preset() }
        guard stored != asked.spec else { return }
        throw CommandLineError(description: "\(weights) holds its own architecture, which is not \(modelOptions.written); "
                               + "leave out --model, --layers and --activation to use the file's")
    }

    /// Refuses an architecture that cannot take a batch of Fashion-MNIST images or does not
    /// give one score per class, before the model is built.
    func checkFitsFashionMNIST(_ spec: ModuleSpec) throws {
        let input = Self.imageShape(batch: 1)
        let output: [Int]
        do {
            output = try spec.outputShape(forInput: input)
        } catch {
            throw CommandLineError(description: "\(weights): the architecture cannot take Fashion-MNIST images (a batch of shape \(input)): \(error)")
        }
        let classes = FashionMNIST.classes.count
        guard output == [1, classes] else {
            throw CommandLineError(description: "\(weights): the architecture turns a batch of shape \(input) into \(output), not one score per class ([1, \(classes)]); it is not a Fashion-MNIST classifier")
        }
    }

    /// Why `spec` (called `name` in the message) cannot run here, or nil: its weights and a
    /// batch of `batchSize` images need more than the machine's memory.
    private static func memoryProblem(_ spec: ModuleSpec, named name: String) throws -> String? {
        let estimate = try MemoryEstimate(running: spec, forInput: imageShape(batch: batchSize))
        let memory = PhysicalMemory.bytes
        guard estimate.totalBytes > memory else { return nil }
        return """
            running \(name) on \(batchSize) images needs at least \(PhysicalMemory.describe(estimate.totalBytes)) \
            (weights \(PhysicalMemory.describe(estimate.modelBytes)); layer outputs \(PhysicalMemory.describe(estimate.batchBytes))) \
            but this machine has \(PhysicalMemory.describe(memory)) of memory
            """
    }

    /// The shape of a batch of `batch` Fashion-MNIST images.
    private static func imageShape(batch: Int) -> [Int] { [batch, 1, FashionMNIST.side, FashionMNIST.side] }

    /// Images per batch in `eval` and `predict` (the memory check assumes it).
    static let batchSize = 1000

    func testSet() throws -> FashionMNIST {
        try CommandLineError.wrap { try FashionMNIST(root: data.map { URL(fileURLWithPath: $0) }, train: false) }
    }
}

/// `tensortop eval`: test loss, accuracy and the confusion matrix of saved weights.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate saved weights on the Fashion-MNIST test set.",
        discussion: "Prints the test loss, the accuracy, per-class accuracy and the 10×10 confusion matrix (rows: true class, columns: predicted).")

    @OptionGroup var options: WeightsOptions

    func run() throws {
        let model = try options.loadModel()
        let test = try options.testSet()
        let result = try CommandLineError.wrap { try Evaluation(model: model, data: test, batchSize: WeightsOptions.batchSize) }
        print(String(format: "test loss %.4f  accuracy %.4f (%d images)", result.loss, result.accuracy, result.count))
        print()
        let names = FashionMNIST.classes
        let width = names.map(\.count).max()!
        print(String(repeating: " ", count: width) + "  " + (0..<10).map { String(format: "%5d", $0) }.joined() + "  accuracy")
        for (c, row) in result.confusion.enumerated() {
            let label = names[c].padding(toLength: width, withPad: " ", startingAt: 0)
            print(label + "  " + row.map { String(format: "%5d", $0) }.joined() + String(format: "  %.3f", result.perClassAccuracy[c]))
        }
    }
}

/// `tensortop predict`: label, prediction and logits of the first test images.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "predict", abstract: "Show predictions for the first test images.")

    @OptionGroup var options: WeightsOptions

    @Option(name: .long, parsing: .unconditional, help: "How many test images.")
    var first: Int = 10

    @Flag(name: .long, help: "One JSON object per image.")
    var json = false

    func validate() throws {
        guard first > 0 else { throw ValidationError("--first must be at least 1, got \(first)") }
    }

    struct Line: Encodable {
        let index: Int
        let label: Int
        let label_name: String
        let prediction: Int
        let prediction_name: String
        let logits: [Float]
    }

    func run() throws {
        let model = try options.loadModel()
        let test = try options.testSet()
        let n = min(first, test.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // In batches, so the model's memory check (made for that batch size) holds.
        for start in stride(from: 0, to: n, by: WeightsOptions.batchSize) {
            let indices = Array(start..<min(start + WeightsOptions.batchSize, n))
            let batch = try CommandLineError.wrap { try test.batch(indices).tensors() }
            let logits = noGrad { model.eval()(batch[0]) }
            let predictions = try logits.argmax(dim: 1).int64Scalars
            let values = logits.scalars
            for (row, i) in indices.enumerated() {
                try printLine(i, label: test.label(at: i), prediction: Int(predictions[row]), logits: Array(values[(row * 10)..<((row + 1) * 10)]), encoder: encoder)
            }
        }
    }

    /// Prints one image's label, prediction and logits, as text or JSON.
    func printLine(_ i: Int, label: Int, prediction: Int, logits row: [Float], encoder: JSONEncoder) throws {
        if json {
            let line = Line(index: i, label: label, label_name: FashionMNIST.classes[label], prediction: prediction,
                            prediction_name: FashionMNIST.classes[prediction], logits: row)
            print(String(decoding: try encoder.encode(line), as: UTF8.self))
        } else {
            let mark = label == prediction ? "✓" : "✗"
            func padded(_ name: String) -> String { name.padding(toLength: 11, withPad: " ", startingAt: 0) }
            print(String(format: "%4d  ", i) + "\(mark) \(padded(FashionMNIST.classes[label])) predicted \(padded(FashionMNIST.classes[prediction])) logits "
                  + row.map { String(format: "%7.3f", $0) }.joined(separator: " "))
        }
    }
}
