import Foundation
import Testing
import Checkpoints
import NN
import Tensors

/// Damaged and hostile files: each gets an error naming the file and the problem, never a crash.
@Suite struct BadFileTests {
    let directory = Fixtures.temporaryDirectory()

    /// Writes `bytes` to a file in the test folder.
    func file(_ name: String, _ bytes: [UInt8]) -> URL {
        let url = directory.appendingPathComponent(name)
        try! Data(bytes).write(to: url)
        return url
    }

    /// The problem text of reading `url`, which must fail.
    func problem(reading url: URL) -> String { Fixtures.problem(of: url) }

    /// A safetensors file with `header` as its JSON header and `dataBytes` zero bytes of data.
    func safetensors(_ header: String, dataBytes: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        return bytes + Array(header.utf8) + [UInt8](repeating: 0, count: dataBytes)
    }

    @Test func truncatedSafetensors() throws {
        let full = try Data(contentsOf: Fixtures.url("mlp_seed1.safetensors"))
        #expect(problem(reading: file("t1.safetensors", Array(full.prefix(5)))).contains("fewer than the 8-byte header length"))
        #expect(problem(reading: file("t2.safetensors", Array(full.prefix(100)))).contains("truncated"))
        #expect(problem(reading: file("t3.safetensors", Array(full.prefix(full.count - 10)))).contains("truncated"))
    }

    @Test func headersThatLie() {
        let f32 = #"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}"#
        #expect(problem(reading: file("a.safetensors", safetensors(f32, dataBytes: 12))).contains("needs 16 bytes"))
        let unknown = #"{"w":{"dtype":"Q7","shape":[1],"data_offsets":[0,1]}}"#
        #expect(problem(reading: file("b.safetensors", safetensors(unknown, dataBytes: 1))).contains("unknown dtype 'Q7'"))
        let overlap = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        #expect(problem(reading: file("c.safetensors", safetensors(overlap, dataBytes: 12))).contains("overlaps"))
        let gap = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        #expect(problem(reading: file("d.safetensors", safetensors(gap, dataBytes: 8))).contains("unused bytes"))
        let huge = [UInt8](repeating: 0xFF, count: 8) + [UInt8](repeating: 0x20, count: 8)
        #expect(problem(reading: file("e.safetensors", huge)).contains("header claims"))
        #expect(problem(reading: file("f.safetensors", safetensors("{not json", dataBytes: 0))).contains("not the expected JSON"))
        let negative = #"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#
        #expect(problem(reading: file("g.safetensors", safetensors(negative, dataBytes: 0))).contains("negative dimension"))
    }

    @Test func pickleThatNamesASystemCallIsRefusedAndNothingRuns() throws {
        try? FileManager.default.removeItem(atPath: "/tmp/tensortop-pickle-ran")
        let text = problem(reading: Fixtures.url("evil.pth"))
        #expect(text.contains("refusing to load"))
        #expect(text.contains("posix.system"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/tensortop-pickle-ran"))
    }

    @Test func wholePickledModelIsExplained() {
        #expect(problem(reading: Fixtures.url("whole_model.pth")).contains("not a state dict"))
    }

    @Test func zipWithoutDataPickle() throws {
        // Rewrite a real checkpoint's archive without its data.pkl: take any zip that lacks it.
        let url = directory.appendingPathComponent("nopickle.pth")
        let source = try Data(contentsOf: Fixtures.url("evil.pth"))
        // Rename the member in place: same length, so the zip stays valid.
        let renamed = source.replacingOccurrences(of: Array("evil/data.pkl".utf8), with: Array("evil/other.pk".utf8))
        try renamed.write(to: url)
        #expect(problem(reading: url).contains("has no data.pkl"))
    }

    @Test func truncatedZip() throws {
        let full = try Data(contentsOf: Fixtures.url("mlp_seed1.pth"))
        let text = problem(reading: file("cut.pth", Array(full.prefix(full.count / 2))))
        #expect(text.contains("zip") || text.contains("truncated") || text.contains("damaged"))
    }

    @Test func missingFileAndUnknownExtension() throws {
        #expect(problem(reading: directory.appendingPathComponent("absent.safetensors")).contains("cannot read the file"))
        let checkpoint = try Checkpoint.read(from: Fixtures.url("mixed.safetensors"))
        #expect(throws: CheckpointError.self) { try checkpoint.write(to: directory.appendingPathComponent("x.txt")) }
    }

    @Test func failedLoadLeavesTheModelUnchanged() throws {
        let model = Sequential(Linear(784, 128), ReLU(), Linear(128, 10))
        let before = model.parameters().map(\.scalars)
        #expect(throws: CheckpointError.self) { try model.loadStateDict(from: Fixtures.url("mlp_seed1.safetensors")) }
        #expect(model.parameters().map(\.scalars) == before)
    }
}

extension Data {
    /// A copy with every occurrence of `target` replaced by `replacement` (same length).
    func replacingOccurrences(of target: [UInt8], with replacement: [UInt8]) -> Data {
        var bytes = [UInt8](self)
        var i = 0
        while i + target.count <= bytes.count {
            if Array(bytes[i..<(i + target.count)]) == target {
                bytes.replaceSubrange(i..<(i + target.count), with: replacement)
                i += target.count
            } else {
                i += 1
            }
        }
        return Data(bytes)
    }
}
