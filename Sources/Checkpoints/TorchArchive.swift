import FileWriting
import Foundation
import NN
import Tensors
import ZIPFoundation

/// PyTorch's checkpoint archive (`torch.save` since 1.6): a zip holding `data.pkl` (the
/// pickled state dict), one raw little-endian file per storage under `data/`, and `version`.
enum TorchArchive {
    /// The largest `data.pkl` read: a state dict's pickle of 100,000 tensors is ~15 MB.
    static let maxPickleBytes = 256 << 20
    /// The largest tensor materialised from a view that repeats its storage's elements
    /// (stride 0, overlapping strides): such a view costs more memory than the file holds.
    static let maxExpandedViewBytes = 64 << 20

    /// Reads the state dict of a `.pth` file; refuses anything that is not a plain state dict.
    ///
    /// Every size in the file is checked before it is used: a zip member may not unpack to
    /// more bytes than its storage declares (zip bombs, zip64 size lies), storages and
    /// tensors together must fit in the machine's memory, and a view must lie inside its storage.
    static func read(url: URL) throws -> Checkpoint {
        let path = url.path
        try ZipDirectoryCheck.check(url, path: path)
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw CheckpointError(path, "not a readable zip archive (\(error)); is the file truncated?")
        }
        var entries: [String: Entry] = [:]
        for entry in archive where entries[entry.path] == nil { entries[entry.path] = entry }
        guard let pickleEntry = archive.first(where: { $0.path == "data.pkl" || $0.path.hasSuffix("/data.pkl") }) else {
            throw CheckpointError(path, "the zip has no data.pkl, so it is not a PyTorch checkpoint")
        }
        let prefix = String(pickleEntry.path.dropLast("data.pkl".count))
        if let order = entries[prefix + "byteorder"], try String(decoding: contents(of: order, in: archive, limit: 16, path: path), as: UTF8.self) != "little" {
            throw CheckpointError(path, "the storages are big-endian; only little-endian checkpoints are supported")
        }
        var reader = PickleReader(try contents(of: pickleEntry, in: archive, limit: maxPickleBytes, path: path))
        let value: PickleValue
        do {
            value = try reader.read()
        } catch let error as PickleError {
            throw CheckpointError(path, "data.pkl: \(error.message)")
        }
        guard case .dict(let items) = value else {
            throw CheckpointError(path, "data.pkl holds a \(value.kind), not a state dict (an OrderedDict of tensors)")
        }
        let memory = PhysicalMemory.bytes
        var usedMemory = 0
        func reserve(_ bytes: Int, for what: String) throws {
            guard case let (total, false) = usedMemory.addingReportingOverflow(bytes), total <= memory else {
                throw CheckpointError(path, "\(what) would bring the checkpoint to more than this machine's \(PhysicalMemory.describe(memory)) of memory")
            }
            usedMemory = total
        }
        var storages: [String: [UInt8]] = [:]
        var names: Set<String> = []
        var records: [TensorRecord] = []
        for (keyHandle, itemHandle) in items {
            let key = reader.value(keyHandle), item = reader.value(itemHandle)
            guard case .string(let name) = key else { throw CheckpointError(path, "a state-dict key is a \(key.kind), not a string") }
            let quoted = "'\(name.escapedForTerminal)'"
            guard names.insert(name).inserted else {
                throw CheckpointError(path, "the state-dict key \(quoted) appears twice; keys of a state dict are unique")
            }
            guard case .tensor(let storageKey, let storageCount, let type, let offset, let shape, let strides) = item else {
                throw CheckpointError(path, "state-dict entry \(quoted) is a \(item.kind), not a tensor")
            }
            let member = "data/\(storageKey.escapedForTerminal)"
            guard case let (declared, false) = storageCount.multipliedReportingOverflow(by: type.byteSize) else {
                throw CheckpointError(path, "storage \(member) claims \(storageCount) elements, more than a 64-bit integer can address")
            }
            if storages[storageKey] == nil {
                guard let entry = entries[prefix + "data/" + storageKey] else {
                    throw CheckpointError(path, "storage \(member) for \(quoted) is missing from the zip")
                }
                guard entry.uncompressedSize <= UInt64(declared) else {
                    throw CheckpointError(path, "zip member \(member) unpacks to \(entry.uncompressedSize) bytes but its storage holds \(storageCount) \(type.rawValue) elements (\(declared) bytes); the file is damaged or hostile")
                }
                try reserve(declared, for: "storage \(member) (\(PhysicalMemory.describe(declared)))")
                storages[storageKey] = try contents(of: entry, in: archive, limit: declared, path: path)
            }
            let storage = storages[storageKey]!
            // The reader checked the shape's byte count and that the view lies inside the
            // storage it declares (so `needed` <= `declared`, which did not overflow).
            let count = SizeCheck.elementCount(shape)!
            let bytes = SizeCheck.byteCount(shape, type)!
            if count > 0 {
                let needed = (SizeCheck.lastElement(offset: offset, shape: shape, strides: strides)! + 1) * type.byteSize
                guard storage.count >= needed else {
                    throw CheckpointError(path, "storage \(member) has \(storage.count) bytes but \(quoted) needs \(needed) (truncated?)")
                }
            }
            if count > storageCount, bytes > maxExpandedViewBytes {
                throw CheckpointError(path, "\(quoted) is a \(Shape.describe(shape)) view with strides \(Shape.describe(strides)) that repeats the \(storageCount) elements of storage \(member); it would take \(PhysicalMemory.describe(bytes)) (limit \(PhysicalMemory.describe(maxExpandedViewBytes)) for such views). In PyTorch, save t.clone() or the unexpanded tensor instead")
            }
            if count > storageCount { try reserve(bytes, for: "tensor \(quoted) (\(PhysicalMemory.describe(bytes)))") }
            records.append(TensorRecord(name: name, type: type, shape: shape, bytes: gather(storage, type: type, offset: offset, shape: shape, strides: strides)))
        }
        return Checkpoint(records: records)
    }

    /// Writes a state dict that `torch.load(path, weights_only=True)` reads back, atomically.
    ///
    /// Tensors of one element type share one storage (`data/0`, `data/1`, ... one per type),
    /// each a view at its own offset — what `torch.save` writes for views of one buffer. A
    /// zip member per tensor made writing quadratic: ZIPFoundation rewrites the whole
    /// central directory after every member (100,000 tensors took minutes).
    static func write(_ checkpoint: Checkpoint, to url: URL) throws {
        let prefix = "archive/"
        var storages: [(type: ElementType, bytes: [UInt8])] = []
        var placements: [PickleWriter.Placement] = []
        for record in checkpoint.records {
            let index = storages.firstIndex { $0.type == record.type } ?? {
                storages.append((record.type, []))
                return storages.count - 1
            }()
            placements.append(PickleWriter.Placement(storage: index, offset: storages[index].bytes.count / record.type.byteSize))
            storages[index].bytes.append(contentsOf: record.bytes)
        }
        let storageCounts = storages.map { $0.bytes.count / $0.type.byteSize }
        var files: [(String, [UInt8])] = [
            ("data.pkl", PickleWriter.stateDict(checkpoint.records, placements: placements, storageCounts: storageCounts)),
            ("byteorder", Array("little".utf8)),
        ]
        for (index, storage) in storages.enumerated() { files.append(("data/\(index)", storage.bytes)) }
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

    /// The bytes of a zip member, refusing more than `limit`: the size in the zip's directory
    /// is not trusted (it may claim 2^64 bytes, or far fewer than the data inflates to).
    private static func contents(of entry: Entry, in archive: Archive, limit: Int, path: String) throws -> [UInt8] {
        guard entry.uncompressedSize <= UInt64(limit), entry.compressedSize <= UInt64(Int64.max) else {
            throw CheckpointError(path, "zip member \(entry.path.escapedForTerminal) claims \(entry.uncompressedSize) bytes, more than the \(limit) it may hold; the file is damaged or hostile")
        }
        var bytes: [UInt8] = []
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                guard bytes.count + chunk.count <= limit else { throw OversizedMember() }
                bytes.append(contentsOf: chunk)
            }
        } catch is OversizedMember {
            throw CheckpointError(path, "zip member \(entry.path.escapedForTerminal) unpacks to more than the \(limit) bytes it may hold (a zip bomb?); refusing to read on")
        } catch {
            throw CheckpointError(path, "cannot read \(entry.path.escapedForTerminal) from the zip (\(error)); the file may be damaged")
        }
        return bytes
    }

    /// Stops an extraction that goes past its limit.
    private struct OversizedMember: Error {}

    /// The elements of a strided view of `storage`, in row-major order.
    private static func gather(_ storage: [UInt8], type: ElementType, offset: Int, shape: [Int], strides: [Int]) -> [UInt8] {
        let size = type.byteSize
        let count = shape.reduce(1, *)
        guard count > 0 else { return [] }
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
