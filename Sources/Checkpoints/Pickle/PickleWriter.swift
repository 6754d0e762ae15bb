import Tensors

/// Writes the protocol-2 pickle `torch.save(model.state_dict())` writes: an OrderedDict of
/// `_rebuild_tensor_v2` calls whose storages are persistent ids into the archive.
struct PickleWriter {
    private(set) var bytes: [UInt8] = [0x80, 0x02]  // PROTO 2

    /// Where a record's elements live: a storage (`data/<storage>`) and the element offset in it.
    struct Placement {
        var storage: Int
        var offset: Int
    }

    /// The pickle of `records`, each a contiguous view of the storage `placements` names;
    /// `storageCounts[i]` is the element count of storage `i`.
    static func stateDict(_ records: [TensorRecord], placements: [Placement], storageCounts: [Int]) -> [UInt8] {
        var w = PickleWriter()
        w.global("collections", "OrderedDict")
        w.op(0x29)  // EMPTY_TUPLE
        w.op(0x52)  // REDUCE
        if !records.isEmpty {
            w.op(0x28)  // MARK
            for (record, placement) in zip(records, placements) {
                w.string(record.name)
                w.global("torch._utils", "_rebuild_tensor_v2")
                w.op(0x28)  // MARK: arguments
                w.op(0x28)  // MARK: persistent id
                w.string("storage")
                w.global("torch", record.type.torchStorageName)
                w.string(String(placement.storage))
                w.string("cpu")
                w.int(storageCounts[placement.storage])
                w.op(0x74)  // TUPLE
                w.op(0x51)  // BINPERSID
                w.int(placement.offset)  // storage offset
                w.intTuple(record.shape)
                w.intTuple(Shape.contiguousStrides(record.shape))
                w.op(0x89)  // NEWFALSE: requires_grad
                w.global("collections", "OrderedDict")
                w.op(0x29)
                w.op(0x52)  // backward hooks: OrderedDict()
                w.op(0x74)  // TUPLE
                w.op(0x52)  // REDUCE
            }
            w.op(0x75)  // SETITEMS
        }
        w.op(0x2E)  // STOP
        return w.bytes
    }

    private mutating func op(_ code: UInt8) { bytes.append(code) }

    private mutating func global(_ module: String, _ name: String) {
        op(0x63)
        bytes.append(contentsOf: Array("\(module)\n\(name)\n".utf8))
    }

    private mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        op(0x58)  // BINUNICODE
        withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: utf8)
    }

    private mutating func int(_ value: Int) {
        if value >= 0 && value < 256 {
            op(0x4B)
            bytes.append(UInt8(value))
        } else if value >= 0 && value < 65_536 {
            op(0x4D)
            bytes.append(UInt8(value & 0xFF))
            bytes.append(UInt8(value >> 8))
        } else if value >= Int(Int32.min) && value <= Int(Int32.max) {
            op(0x4A)
            withUnsafeBytes(of: Int32(value).littleEndian) { bytes.append(contentsOf: $0) }
        } else {
            op(0x8A)  // LONG1 with 8 bytes
            bytes.append(8)
            withUnsafeBytes(of: Int64(value).littleEndian) { bytes.append(contentsOf: $0) }
        }
    }

    private mutating func intTuple(_ values: [Int]) {
        op(0x28)
        for v in values { int(v) }
        op(0x74)
    }
}
