import FileWriting
import Foundation
import ZIPFoundation

/// PyTorch's checkpoint archive (`torch.save` since 1.6): a zip holding `data.pkl` (the
/// pickled state dict), one raw little-endian file per storage under `data/`, and `version`.
enum TorchArchive {
    /// Reads the state dict of a `.pth` file; refuses anything that is not a plain state dict.
    static func read(url: URL) throws -> Checkpoint {
        let path = url.path
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw CheckpointError(path, "not a readable zip archive (\(error)); is the file truncated?")
        }
        guard let pickleEntry = archive.first(where: { $0.path == "data.pkl" || $0.path.hasSuffix("/data.pkl") }) else {
            throw CheckpointError(path, "the zip has no data.pkl, so it is not a PyTorch checkpoint")
        }
        let prefix = String(pickleEntry.path.dropLast("data.pkl".count))
        if let order = archive[prefix + "byteorder"], try String(decoding: contents(of: order, in: archive, path: path), as: UTF8.self) != "little" {
            throw CheckpointError(path, "the storages are big-endian; only little-endian checkpoints are supported")
        }
        let value: PickleValue
        do {
            var reader = PickleReader(try contents(of: pickleEntry, in: archive, path: path))
            value = try reader.read()
        } catch let error as PickleError {
            throw CheckpointError(path, "data.pkl: \(error.message)")
        }
        guard case .dict(let items) = value else {
            throw CheckpointError(path, "data.pkl holds a \(value.kind), not a state dict (an OrderedDict of tensors)")
        }
        var storages: [String: [UInt8]] = [:]
        var records: [TensorRecord] = []
        for (key, item) in items {
            guard case .string(let name) = key else { throw CheckpointError(path, "a state-dict key is a \(key.kind), not a string") }
            guard case .tensor(let storageKey, let type, let offset, let shape, let strides) = item else {
                throw CheckpointError(path, "state-dict entry '\(name)' is a \(item.kind), not a tensor")
            }
            if storages[storageKey] == nil {
                guard let entry = archive[prefix + "data/" + storageKey] else {
                    throw CheckpointError(path, "storage data/\(storageKey) for '\(name)' is missing from the zip")
                }
                storages[storageKey] = try contents(of: entry, in: archive, path: path)
            }
            let storage = storages[storageKey]!
            let count = shape.reduce(1, *)
            let needed = count == 0 ? 0 : (offset + zip(shape, strides).reduce(0) { $0 + ($1.0 - 1) * $1.1 } + 1) * type.byteSize
            guard storage.count >= needed else {
                throw CheckpointError(path, "storage data/\(storageKey) has \(storage.count) bytes but '\(name)' needs \(needed) (truncated?)")
            }
            let bytes = gather(storage, type: type, offset: offset, shape: shape, strides: strides)
            records.append(TensorRecord(name: name, type: type, shape: shape, bytes: bytes))
        }
        return Checkpoint(records: records)
    }

    /// Writes a state dict that `torch.load(path, weights_only=True)` reads back, atomically.
    static func write(_ checkpoint: Checkpoint, to url: URL) throws {
        let prefix = "archive/"
        var files: [(String, [UInt8])] = [
            ("data.pkl", PickleWriter.stateDict(checkpoint.records)),
            ("byteorder", Array("little".utf8)),
        ]
        for (index, record) in checkpoint.records.enumerated() { files.append(("data/\(index)", record.bytes)) }
        files.append(("version", Array("3\n".utf8)))
        try AtomicFile.write(to: url) { temporary in
            // `.create` makes a new file and refuses an existing one, as AtomicFile asks.
            let archive = try Archive(url: temporary, accessMode: .create)
            for (name, bytes) in files {
                let data = Data(bytes)
                try archive.addEntry(with: prefix + name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .none) { position, size in
                    data.subdata(in: Int(position)..<(Int(position) + size))
                }
            }
        }
    }

    private static func contents(of entry: Entry, in archive: Archive, path: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(entry.uncompressedSize))
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in bytes.append(contentsOf: chunk) }
        } catch {
            throw CheckpointError(path, "cannot read \(entry.path) from the zip (\(error)); the file may be damaged")
        }
        return bytes
    }

    /// The elements of a strided view of `storage`, in row-major order.
    private static func gather(_ storage: [UInt8], type: ElementType, offset: Int, shape: [Int], strides: [Int]) -> [UInt8] {
        let size = type.byteSize
        let count = shape.reduce(1, *)
        var contiguous = true
        var expected = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) where shape[i] != 1 {
            if strides[i] != expected { contiguous = false }
            expected *= shape[i]
        }
        if contiguous { return Array(storage[(offset * size)..<((offset + count) * size)]) }
        var out = [UInt8](repeating: 0, count: count * size)
        var index = [Int](repeating: 0, count: shape.count)
        for n in 0..<count {
            let element = offset + zip(index, strides).reduce(0) { $0 + $1.0 * $1.1 }
            for b in 0..<size { out[n * size + b] = storage[element * size + b] }
            var d = shape.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return out
    }
}
