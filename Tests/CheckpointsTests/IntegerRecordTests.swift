import Foundation
import Testing
import Checkpoints
import NN
import Tensors

/// Integer tensors load exactly (found by `make fuzz`: an I64 element of Int64.max went through
/// Double, rounded to 2^63 and stopped the program in `stateDict()`).
@Suite struct IntegerRecordTests {
    static let extremes: [Int64] = [.max, .min, (1 << 53) + 1, -7, 0]

    @Test func int64ExtremesLoadExactly() throws {
        let bytes = Self.extremes.withUnsafeBytes { Array($0) }
        let record = TensorRecord(name: "counts", type: .i64, shape: [5], bytes: bytes)
        #expect(record.tensor().int64Scalars == Self.extremes)

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tensortop-ints-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint(records: [record]).write(to: url)
        let loaded = try Checkpoint.read(from: url).stateDict()
        #expect(loaded.keys == ["counts"])
        #expect(loaded["counts"]?.int64Scalars == Self.extremes)
    }

    @Test func narrowIntegerTypesKeepTheirSign() {
        let i32: [Int32] = [.max, .min, -1]
        #expect(TensorRecord(name: "a", type: .i32, shape: [3], bytes: i32.withUnsafeBytes { Array($0) }).tensor().int64Scalars
                == [Int64(Int32.max), Int64(Int32.min), -1])
        #expect(TensorRecord(name: "b", type: .i8, shape: [2], bytes: [0x80, 0x7F]).tensor().int64Scalars == [-128, 127])
        #expect(TensorRecord(name: "c", type: .u8, shape: [2], bytes: [0xFF, 1]).tensor().int64Scalars == [255, 1])
    }
}
