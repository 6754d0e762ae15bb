import FileWriting
import Foundation
import NN
import Tensors

/// The file formats TensorTop reads and writes.
public enum CheckpointFormat: String, Sendable, CaseIterable {
    /// safetensors: a JSON header and raw little-endian tensor bytes (TensorTop's native format).
    case safetensors
    /// PyTorch's `torch.save(model.state_dict())` zip archive (`.pth` / `.pt`).
    case pytorch

    /// The format a file name's extension asks for, or nil.
    public init?(pathExtension ext: String) {
        switch ext.lowercased() {
        case "safetensors": self = .safetensors
        case "pth", "pt", "bin": self = .pytorch
        default: return nil
        }
    }
}

/// A state dict as stored in a file: named tensor records plus string metadata.
public struct Checkpoint: Sendable, Equatable {
    /// The tensors in file order.
    public var records: [TensorRecord]
    /// Free-form string metadata (safetensors' `__metadata__`).
    public var metadata: [String: String]

    public init(records: [TensorRecord], metadata: [String: String] = [:]) {
        self.records = records
        self.metadata = metadata
    }

    /// Captures a model's or a state dict's tensors (values at this moment).
    public init(_ stateDict: StateDict, metadata: [String: String] = [:]) {
        records = stateDict.map { TensorRecord(name: $0.name, tensor: $0.tensor) }
        self.metadata = metadata
    }

    /// The tensors as a state dict (float types as float32, integer types as int64).
    public func stateDict() -> StateDict {
        StateDict(records.map { ($0.name, $0.tensor()) })
    }

    /// Reads a safetensors or PyTorch file, recognising the format by its first bytes.
    public static func read(from url: URL) throws -> Checkpoint {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw CheckpointError(url.path, "cannot read the file (\(error.localizedDescription))")
        }
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return try TorchArchive.read(url: url)
        }
        // A safetensors header length of 128 mod 256 also starts with 0x80, pickle's PROTO
        // opcode; the `{` that opens the header after the length tells them apart.
        if data.starts(with: [0x80]), !Safetensors.hasHeaderStart(data) {
            throw CheckpointError(url.path, "this is a legacy (pre-1.6, non-zip) PyTorch file; re-save it with a current torch.save")
        }
        return try Safetensors.decode(data, path: url.path)
    }

    /// Writes the checkpoint atomically (`AtomicFile`) in `format`, or in the format the file
    /// extension names; temporary files a killed save left in the folder are removed first.
    public func write(to url: URL, format: CheckpointFormat? = nil) throws {
        guard let format = format ?? CheckpointFormat(pathExtension: url.pathExtension) else {
            throw CheckpointError(url.path, "unknown checkpoint extension '.\(url.pathExtension)'; use .safetensors, .pth or .pt")
        }
        try checkWritable(path: url.path)
        StaleTemporaryFiles.remove(in: url.deletingLastPathComponent())
        switch format {
        case .safetensors:
            let data = try Safetensors.encode(self)
            try AtomicFile.write(data, to: url)
        case .pytorch:
            try TorchArchive.write(self, to: url)
        }
    }

    /// Refuses what no reader would accept back: a repeated tensor name, or a record whose
    /// bytes do not match its shape and type.
    func checkWritable(path: String) throws {
        var names: Set<String> = []
        for record in records {
            let quoted = "'\(record.name.escapedForTerminal)'"
            guard names.insert(record.name).inserted else {
                throw CheckpointError(path, "the tensor name \(quoted) appears twice; keys of a state dict are unique, so nothing was written")
            }
            guard let bytes = SizeCheck.byteCount(record.shape, record.type) else {
                throw CheckpointError(path, "tensor \(quoted) has shape \(record.shape), whose size overflows a 64-bit integer")
            }
            guard bytes == record.bytes.count else {
                throw CheckpointError(path, "tensor \(quoted) (\(record.type.rawValue) \(record.shape)) needs \(bytes) bytes but holds \(record.bytes.count)")
            }
        }
    }
}
