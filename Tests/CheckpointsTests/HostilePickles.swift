import Foundation
import ZIPFoundation

/// Builds the `.pth` files hostile-file tests need: a pickle program written opcode by
/// opcode, and a zip around it (so large reproducers are generated, not committed).
struct PickleProgram {
    private(set) var bytes: [UInt8] = [0x80, 0x02]  // PROTO 2

    mutating func op(_ code: UInt8) { bytes.append(code) }

    mutating func global(_ module: String, _ name: String) {
        op(0x63)
        bytes += Array("\(module)\n\(name)\n".utf8)
    }

    mutating func string(_ s: String) {
        op(0x58)  // BINUNICODE
        withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian) { bytes += $0 }
        bytes += Array(s.utf8)
    }

    mutating func int(_ value: Int) {
        op(0x8A)  // LONG1, 8 bytes
        bytes.append(8)
        withUnsafeBytes(of: Int64(value).littleEndian) { bytes += $0 }
    }

    mutating func intTuple(_ values: [Int]) {
        op(0x28)
        values.forEach { int($0) }
        op(0x74)
    }

    /// `name: _rebuild_tensor_v2(storage, offset, shape, strides, False, OrderedDict())`, inside SETITEMS.
    mutating func tensor(_ name: String, storage: String, type: String = "FloatStorage", count: Int, offset: Int = 0, shape: [Int], strides: [Int]) {
        string(name)
        global("torch._utils", "_rebuild_tensor_v2")
        op(0x28)
        op(0x28)
        string("storage")
        global("torch", type)
        string(storage)
        string("cpu")
        int(count)
        op(0x74)  // TUPLE
        op(0x51)  // BINPERSID
        int(offset)
        intTuple(shape)
        intTuple(strides)
        op(0x89)  // False
        global("collections", "OrderedDict")
        op(0x29)
        op(0x52)
        op(0x74)
        op(0x52)
    }

    /// An OrderedDict holding what `entries` writes.
    static func stateDict(_ entries: (inout PickleProgram) -> Void) -> [UInt8] {
        var p = PickleProgram()
        p.global("collections", "OrderedDict")
        p.op(0x29)
        p.op(0x52)
        p.op(0x28)  // MARK
        entries(&p)
        p.op(0x75)  // SETITEMS
        p.op(0x2E)  // STOP
        return p.bytes
    }
}

/// A member of a test zip: its bytes come from `provider`, and `size` is what the zip's
/// directory records (a test may make it lie).
struct ZipMember {
    var path: String
    var size: Int64
    var compressed = false
    var provider: (_ position: Int64, _ size: Int) -> Data

    init(_ path: String, _ bytes: [UInt8], compressed: Bool = false) {
        let data = Data(bytes)
        self.path = path
        self.size = Int64(bytes.count)
        self.compressed = compressed
        provider = { position, size in data.subdata(in: Int(position)..<(Int(position) + size)) }
    }

    init(_ path: String, claimedSize: Int64, provider: @escaping (_ position: Int64, _ size: Int) -> Data) {
        self.path = path
        size = claimedSize
        compressed = true
        self.provider = provider
    }
}

/// Writes a PyTorch-style zip (`archive/...`) at `url`.
func writePth(_ url: URL, pickle: [UInt8], storages: [ZipMember]) throws {
    let archive = try Archive(url: url, accessMode: .create)
    let members = [ZipMember("archive/data.pkl", pickle), ZipMember("archive/byteorder", Array("little".utf8))]
        + storages + [ZipMember("archive/version", Array("3\n".utf8))]
    for member in members {
        try archive.addEntry(with: member.path, type: .file, uncompressedSize: member.size,
                             compressionMethod: member.compressed ? .deflate : .none, bufferSize: 1 << 20, provider: member.provider)
    }
}

/// Six little-endian float32 values 1...6, a small storage.
let sixFloats: [UInt8] = (1...6).flatMap { value in withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { Array($0) } }
