import Foundation
import Testing

/// `inspect`, `convert`, `eval` and `predict` on the fuzzing reproducers, run as a user would:
/// a clear message naming the file and exit code 1 for hostile files, success for valid ones.
@Suite struct HostileCheckpointCommandTests {
    static func hostile(_ name: String) -> String { Binary.checkpointFixture("hostile/\(name)").path }

    /// Runs `arguments`, expecting exit code 1 and `message` (after the file name) on standard error.
    func expectRefusal(_ arguments: [String], file: String, _ message: String) throws {
        let result = try Binary.run(arguments)
        #expect(result.status == 1, "\(arguments): exit \(result.status), \(result.stderr)")
        #expect(result.stderr.contains("\(file): "), "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }

    @Test(arguments: [
        ("st_count_overflow.safetensors", "overflows a 64-bit integer"),
        ("st_empty_huge_dims.safetensors", "overflows a 64-bit integer"),
        ("pth_view_shape_overflow.pth", "overflows a 64-bit integer"),
        ("pth_empty_view_huge_dims.pth", "overflows a 64-bit integer"),
        ("pth_zip64_size_lie_2p62.pth", "its storage holds 6 F32 elements"),
        ("pth_zip64_size_lie_2p64m1.pth", "its storage holds 6 F32 elements"),
        ("pth_stride0_8GiB.pth", "repeats the 6 elements of storage data/0"),
        ("pth_dup_keys.pth", "the state-dict key 'a' appears twice"),
    ])
    func hostileFilesAreRefusedByEveryCommand(_ name: String, _ message: String) throws {
        let file = Self.hostile(name)
        let out = Binary.temporaryDirectory()
        try expectRefusal(["inspect", file], file: file, message)
        for target in ["x.safetensors", "x.pth"] {
            let output = out.appendingPathComponent(target).path
            try expectRefusal(["convert", file, output], file: file, message)
            #expect(!FileManager.default.fileExists(atPath: output))
        }
        try expectRefusal(["eval", "--weights", file, "--data", out.path], file: file, message)
    }

    @Test(arguments: [
        ("arch_dropout_p5.safetensors", "layer 1 (Dropout): p is 5.0"),
        ("arch_linear_negative.safetensors", "layer 1 (Linear): in_features is -1"),
        ("arch_linear_1e6x1e6.safetensors", "need 4.0 TB for the weights alone; this machine has"),
        ("arch_flatten_dim7.safetensors", "layer 0 (Flatten): start_dim 7 is out of range"),
        ("arch_softmax_dim7.safetensors", "layer 2 (Softmax): dim 7 is out of range"),
        ("arch_in100_matmul.safetensors", "layer 1 (Linear): in_features is 100 but its input has shape [1, 784]"),
        ("arch_out5.safetensors", "into [1, 5], not one score per class ([1, 10])"),
        ("arch_out20_predict_index.safetensors", "into [1, 20], not one score per class ([1, 10])"),
        ("arch_empty_sequential.safetensors", "into [1, 1, 28, 28], not one score per class"),
    ])
    func hostileArchitecturesAreRefusedBeforeTheModelIsBuilt(_ name: String, _ message: String) throws {
        let file = Self.hostile(name)
        let data = TrainCommandTests.dataFolder(train: 10, test: 20)
        try expectRefusal(["eval", "--weights", file, "--data", data], file: file, message)
        try expectRefusal(["predict", "--first", "20", "--weights", file, "--data", data], file: file, message)
    }

    @Test func filesTensorTopWritesAreReadBack() throws {
        let data = TrainCommandTests.dataFolder(train: 10, test: 20)
        let eval = try Binary.run(["eval", "--weights", Self.hostile("selfwritten_unreadable.safetensors"), "--data", data])
        #expect(eval.status == 0, "\(eval.stderr)")
        #expect(eval.stdout.contains("(20 images)"))

        let folder = Binary.temporaryDirectory()
        let out = folder.appendingPathComponent("out.safetensors").path
        let convert = try Binary.run(["convert", Self.hostile("convert_roundtrip_src.pth"), out])
        #expect(convert.status == 0, "\(convert.stderr)")
        let inspect = try Binary.run(["inspect", out])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(inspect.stdout.contains("safetensors, 1 tensors, 2 elements"))
        for name in ["valid_hlen128_reference_lib.safetensors", "empty_tensor_middle.safetensors", "pth_empty_view_offset_past_storage.pth"] {
            let result = try Binary.run(["inspect", Self.hostile(name)])
            #expect(result.status == 0, "\(name): \(result.stderr)")
        }
    }

    @Test func inspectEscapesControlCharactersInNames() throws {
        let header = #"{"evil\u001b[2J\u001b]0;owned\u0007":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
        bytes += Array(header.utf8) + [0, 0, 0, 0]
        let url = Binary.temporaryDirectory().appendingPathComponent("names.safetensors")
        try Data(bytes).write(to: url)
        let result = try Binary.run(["inspect", url.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(#"evil\x1b[2J\x1b]0;owned\x07"#))
        #expect(!result.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }
}
