import Foundation
import NN
import Tensors

/// A whole model in one file — architecture and weights — like PyTorch's `torch.save(model)`,
/// but loadable without the code that defined it and without running anything.
///
/// It is a safetensors file whose metadata key `tensortop.architecture` holds the module
/// tree as JSON (`ModuleSpec`), so any safetensors reader still sees the weights.
public enum ModelFile {
    /// The metadata key holding the architecture JSON.
    public static let architectureKey = "tensortop.architecture"

    /// Saves `model`'s architecture and current weights atomically.
    public static func save(_ model: Module, to url: URL) throws {
        let spec: ModuleSpec
        do {
            spec = try ModuleSpec(describing: model)
        } catch {
            throw CheckpointError(url.path, "\(error)")
        }
        let json = String(decoding: try JSONEncoder.sorted.encode(spec), as: UTF8.self)
        try Checkpoint(model.stateDict(), metadata: ["format": "pt", architectureKey: json]).write(to: url, format: .safetensors)
    }

    /// Rebuilds the model a file describes and loads its weights (strictly).
    public static func load(from url: URL) throws -> Module {
        let checkpoint = try Checkpoint.read(from: url)
        guard let spec = try architecture(of: checkpoint, path: url.path) else {
            throw CheckpointError(url.path, "holds weights only (no '\(architectureKey)' metadata); load it into a model with loadStateDict")
        }
        return try model(spec, weights: checkpoint, path: url.path)
    }

    /// The architecture a checkpoint's metadata describes, validated before anything is
    /// built (every layer's fields, and the weights' size against the machine's memory);
    /// nil for a weights-only file.
    /// - Throws: `CheckpointError` naming `path`, the layer and the field that is wrong.
    public static func architecture(of checkpoint: Checkpoint, path: String) throws -> ModuleSpec? {
        guard let json = checkpoint.metadata[architectureKey] else { return nil }
        let spec: ModuleSpec
        do {
            spec = try JSONDecoder().decode(ModuleSpec.self, from: Data(json.utf8))
        } catch {
            throw CheckpointError(path, "the architecture metadata is not valid (\(Safetensors.describe(error)))")
        }
        do {
            try spec.validate()
        } catch {
            throw CheckpointError(path, "the architecture metadata is not valid: \(error)")
        }
        return spec
    }

    /// Builds the model a validated `spec` describes and loads `checkpoint`'s weights into it (strictly).
    public static func model(_ spec: ModuleSpec, weights checkpoint: Checkpoint, path: String) throws -> Module {
        let model = spec.makeModule()
        do {
            try model.loadStateDict(checkpoint.stateDict())
        } catch {
            throw CheckpointError(path, "weights do not fit the architecture: \(error)")
        }
        return model
    }
}

extension Module {
    /// Writes this model's state dict atomically; the format follows the extension
    /// (`.safetensors`, or `.pth`/`.pt` for PyTorch), like `torch.save(model.state_dict(), path)`.
    public func saveStateDict(to url: URL) throws {
        try Checkpoint(stateDict()).write(to: url)
    }

    /// Loads a state dict from a `.safetensors` or PyTorch file into this model, like
    /// `model.load_state_dict(torch.load(path))`; a failed load changes nothing.
    public func loadStateDict(from url: URL, strict: Bool = true) throws {
        let checkpoint = try Checkpoint.read(from: url)
        do {
            try loadStateDict(checkpoint.stateDict(), strict: strict)
        } catch {
            throw CheckpointError(url.path, "\(error)")
        }
    }
}
