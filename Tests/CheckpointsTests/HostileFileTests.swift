import Foundation
import Testing
import Checkpoints
import NN
import Tensors

/// Reproducers from fuzzing (Fixtures/hostile, or generated here when large): each hostile
/// file gets an error naming the file and the problem, never a trap; valid ones load.
@Suite struct HostileFileTests {
    let directory = Fixtures.temporaryDirectory()

    /// The problem text of reading `url`, which must fail with a `CheckpointError` naming it.
    func problem(reading url: URL) -> String { Fixtures.problem(of: url) }

    // MARK: Sizes that overflow or do not fit

    @Test(arguments: ["st_count_overflow.safetensors", "st_empty_huge_dims.safetensors", "pth_view_shape_overflow.pth", "pth_empty_view_huge_dims.pth"])
    func shapesWhoseSizeOverflowsAreRefused(_ name: String) {
        #expect(problem(reading: Fixtures.hostile(name)).contains("overflows a 64-bit integer"))
    }

    @Test func anEmptyViewPastTheEndOfItsStorageReadsAsEmpty() throws {
        let checkpoint = try Checkpoint.read(from: Fixtures.hostile("pth_empty_view_offset_past_storage.pth"))
        #expect(checkpoint.records == [TensorRecord(name: "a", type: .f32, shape: [0], bytes: [])])
    }

    @Test(arguments: ["pth_zip64_size_lie_2p62.pth", "pth_zip64_size_lie_2p64m1.pth"])
    func zip64SizeLiesAreRefusedBeforeAllocating(_ name: String) {
        let text = problem(reading: Fixtures.hostile(name))
        #expect(text.contains("zip member data/0 unpacks to"))
        #expect(text.contains("its storage holds 6 F32 elements (24 bytes)"))
    }

    @Test func aZip64DirectoryOffsetPastTheFileIsRefused() {
        // Found by `make fuzz` (pth): the zip64 end record puts the central directory at an offset
        // above Int64.max, which ZIPFoundation converted to off_t and trapped on.
        let text = problem(reading: Fixtures.hostile("pth_zip64_directory_offset_past_int64.pth"))
        #expect(text.contains("the zip's directory is damaged or hostile: its zip64 end record is said to be at offset 5966592"))
        // With the locator mended, the record it points to is the one that lies.
        var bytes = [UInt8](FileManager.default.contents(atPath: Fixtures.hostile("pth_zip64_directory_offset_past_int64.pth").path)!)
        let locator = bytes.count - 22 - 20
        for (index, byte) in withUnsafeBytes(of: UInt64(2907).littleEndian, Array.init).enumerated() { bytes[locator + 8 + index] = byte }
        let mended = directory.appendingPathComponent("mended-locator.pth")
        FileManager.default.createFile(atPath: mended.path, contents: Data(bytes))
        #expect(problem(reading: mended).contains("its central directory is said to take 739 bytes at offset 18446744070656100472"))
    }

    @Test func aZipBombIsRefusedBeforeItInflates() throws {
        // 1 GiB of zeros deflates to ~1 MB; the storage it claims to be holds 6 floats.
        let url = directory.appendingPathComponent("bomb.pth")
        let zeros = Data(count: 1 << 20)
        let pickle = PickleProgram.stateDict { $0.tensor("a", storage: "0", count: 6, shape: [6], strides: [1]) }
        try writePth(url, pickle: pickle, storages: [ZipMember("archive/data/0", claimedSize: 1 << 30) { _, size in zeros.prefix(size) }])
        #expect(problem(reading: url).contains("unpacks to 1073741824 bytes but its storage holds 6 F32 elements"))
    }

    @Test func aZipMemberThatInflatesPastItsRecordedSizeIsCutOff() throws {
        // The directory records 24 bytes; the deflated stream holds 64 MiB.
        let url = directory.appendingPathComponent("lying-bomb.pth")
        let pickle = PickleProgram.stateDict { $0.tensor("a", storage: "0", count: 6, shape: [6], strides: [1]) }
        try writePth(url, pickle: pickle, storages: [ZipMember("archive/data/0", claimedSize: 24) { _, _ in Data(count: 64 << 20) }])
        #expect(problem(reading: url).contains("unpacks to more than the 24 bytes it may hold"))
    }

    @Test func aStrideZeroViewOfGigabytesIsRefused() {
        let text = problem(reading: Fixtures.hostile("pth_stride0_8GiB.pth"))
        #expect(text.contains("'a' is a [2147483648] view with strides [0] that repeats the 6 elements of storage data/0"))
    }

    @Test func viewsWhoseByteCountsOverflowAreRefused() throws {
        let url = directory.appendingPathComponent("f64.pth")
        // 2^61 float64 elements of one stored element: the count fits in Int, the bytes do not.
        let pickle = PickleProgram.stateDict { $0.tensor("a", storage: "0", type: "DoubleStorage", count: 1, shape: [1 << 61], strides: [0]) }
        try writePth(url, pickle: pickle, storages: [ZipMember("archive/data/0", Array(sixFloats.prefix(8)))])
        #expect(problem(reading: url).contains("overflows a 64-bit integer"))
        // A second tensor names the same storage with a wider type and a huge element count.
        let shared = directory.appendingPathComponent("shared.pth")
        let twoViews = PickleProgram.stateDict {
            $0.tensor("a", storage: "0", count: 6, shape: [6], strides: [1])
            $0.tensor("b", storage: "0", type: "DoubleStorage", count: 1 << 61, shape: [2], strides: [1])
        }
        try writePth(shared, pickle: twoViews, storages: [ZipMember("archive/data/0", sixFloats)])
        #expect(problem(reading: shared).contains("storage data/0 claims 2305843009213693952 elements, more than a 64-bit integer can address"))
    }

    @Test func aSmallStrideZeroViewStillLoads() throws {
        let url = directory.appendingPathComponent("expanded.pth")
        let pickle = PickleProgram.stateDict { $0.tensor("row", storage: "0", count: 6, offset: 2, shape: [2, 3], strides: [0, 1]) }
        try writePth(url, pickle: pickle, storages: [ZipMember("archive/data/0", sixFloats)])
        let record = try #require(try Checkpoint.read(from: url).records.first)
        #expect(record.shape == [2, 3])
        #expect(record.doubles() == [3, 4, 5, 3, 4, 5])
    }

    // MARK: Pickles

    @Test func oneHundredThousandNestedTuplesAreRefusedWithoutRecursion() throws {
        var program = PickleProgram()
        program.op(0x29)  // EMPTY_TUPLE
        for _ in 0..<100_000 { program.op(0x85) }  // TUPLE1: wrap the tuple once more
        program.op(0x2E)
        let url = directory.appendingPathComponent("nested.pth")
        try writePth(url, pickle: program.bytes, storages: [])
        #expect(problem(reading: url).contains("data.pkl holds a tuple, not a state dict"))
    }

    @Test func aRepeatedStateDictKeyIsRefused() {
        #expect(problem(reading: Fixtures.hostile("pth_dup_keys.pth")).contains("the state-dict key 'a' appears twice"))
    }

    @Test func aPickleCallingOsSystemIsRefusedAndNothingRuns() throws {
        let marker = directory.appendingPathComponent("ran").path
        var program = PickleProgram()
        program.global("os", "system")
        program.string("touch \(marker)")
        program.op(0x85)  // TUPLE1
        program.op(0x52)  // REDUCE
        program.op(0x2E)
        let url = directory.appendingPathComponent("evil.pth")
        try writePth(url, pickle: program.bytes, storages: [])
        let text = problem(reading: url)
        #expect(text.contains("refusing to load: the pickle names 'os.system'"))
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func memoizedListCopiesCannotExhaustMemory() throws {
        // A list of 100,000 items, memoized, then fetched and appended to 100,000 times:
        // each APPEND copies the list, 10^10 slots from a ~1 MB pickle.
        var program = PickleProgram()
        program.op(0x5D)  // EMPTY_LIST
        program.op(0x28)  // MARK
        for _ in 0..<100_000 { program.op(0x4E) }  // NONE
        program.op(0x65)  // APPENDS
        program.op(0x94)  // MEMOIZE
        for _ in 0..<100_000 {
            program.op(0x68)  // BINGET
            program.op(0)     // memo index 0
            program.op(0x4E)
            program.op(0x61)  // APPEND
            program.op(0x30)  // POP
        }
        program.op(0x2E)
        let url = directory.appendingPathComponent("copies.pth")
        try writePth(url, pickle: program.bytes, storages: [])
        #expect(problem(reading: url).contains("container items"))
    }

    // MARK: Valid files that were refused

    @Test func safetensorsWhoseHeaderLengthStartsWith0x80AreNotTakenForLegacyPickles() throws {
        let reference = try Checkpoint.read(from: Fixtures.hostile("valid_hlen128_reference_lib.safetensors"))
        #expect(reference.records.map(\.shape) == [[2]])
        // Names of every length from 1 to 300 give header lengths across several multiples of 256.
        for length in 1...300 {
            let url = directory.appendingPathComponent("n\(length).safetensors")
            let written = Checkpoint(records: [TensorRecord(name: String(repeating: "w", count: length), type: .f32, shape: [1], bytes: [0, 0, 128, 63])])
            try written.write(to: url)
            #expect(try Checkpoint.read(from: url) == written)
        }
    }

    @Test func aModelTrainedWithTinyLayersLoads() throws {
        let model = try ModelFile.load(from: Fixtures.hostile("selfwritten_unreadable.safetensors"))
        #expect(model.stateDict().count == 12)
        #expect(model.stateDict()["9.weight"]?.shape == [634, 5])
    }

    @Test func convertRoundTripsAPyTorchFile() throws {
        let source = try Checkpoint.read(from: Fixtures.hostile("convert_roundtrip_src.pth"))
        let out = directory.appendingPathComponent("out.safetensors")
        try source.write(to: out)
        #expect(try Checkpoint.read(from: out).records == source.records)
        #expect(try Checkpoint.read(from: Fixtures.hostile("convert_roundtrip_out.safetensors")).records == source.records)
    }

    @Test func anEmptyTensorBetweenTwoOthersAlwaysReads() throws {
        for _ in 0..<50 {
            let checkpoint = try Checkpoint.read(from: Fixtures.hostile("empty_tensor_middle.safetensors"))
            #expect(checkpoint.records.map(\.name) == ["a", "b", "c"])
        }
    }

    @Test func writingARepeatedNameIsRefusedAndWritesNothing() {
        let record = TensorRecord(name: "w", type: .f32, shape: [1], bytes: [0, 0, 0, 0])
        for name in ["d.safetensors", "d.pth"] {
            let url = directory.appendingPathComponent(name)
            #expect {
                try Checkpoint(records: [record, record]).write(to: url)
            } throws: { error in
                (error as? CheckpointError)?.problem.contains("the tensor name 'w' appears twice") == true
            }
            #expect(!FileManager.default.fileExists(atPath: url.path))
        }
    }

    @Test func oneHundredThousandTensorsReadWriteAndLoad() throws {
        let records = (0..<100_000).map { TensorRecord(name: "t\($0)", type: .f32, shape: [0], bytes: []) }
        let original = Checkpoint(records: records + [TensorRecord(name: "w", type: .f32, shape: [1], bytes: [0, 0, 128, 63])])
        for name in ["many.safetensors", "many.pth"] {
            let url = directory.appendingPathComponent(name)
            try original.write(to: url)
            let back = try Checkpoint.read(from: url)
            // safetensors orders by offset; tensors sharing one (the empty ones) by name.
            #expect(back.records.count == original.records.count)
            #expect(back.records.sorted { $0.name < $1.name } == original.records.sorted { $0.name < $1.name })
            let stateDict = back.stateDict()
            #expect(stateDict.count == 100_001)
            #expect(stateDict["w"]?.scalars == [1])
        }
    }

    // MARK: Architecture metadata

    /// The error loading a whole-model file gives, naming the file.
    func architectureProblem(_ name: String) -> String {
        Fixtures.problem(of: Fixtures.hostile(name)) { _ = try ModelFile.load(from: $0) }
    }

    @Test func hostileArchitectureFieldsAreNamed() {
        #expect(architectureProblem("arch_dropout_p5.safetensors").contains("layer 1 (Dropout): p is 5.0; a dropout probability must be between 0 and 1"))
        #expect(architectureProblem("arch_linear_negative.safetensors").contains("layer 1 (Linear): in_features is -1; it must be at least 1"))
        let huge = architectureProblem("arch_linear_1e6x1e6.safetensors")
        #expect(huge.contains("the model has 1000001000000 parameters, which need 4.0 TB for the weights alone"))
    }

    /// The architecture a fixture holds.
    func spec(_ name: String) throws -> ModuleSpec {
        let url = Fixtures.hostile(name)
        return try #require(try ModelFile.architecture(of: Checkpoint.read(from: url), path: url.path))
    }

    @Test func architecturesThatDoNotFitTheirInputAreFoundBeforeRunning() throws {
        let images = [1, 1, 28, 28]
        #expect(throws: ModuleSpecError.self) { try spec("arch_flatten_dim7.safetensors").outputShape(forInput: images) }
        #expect(throws: ModuleSpecError.self) { try spec("arch_softmax_dim7.safetensors").outputShape(forInput: images) }
        #expect(throws: ModuleSpecError.self) { try spec("arch_in100_matmul.safetensors").outputShape(forInput: images) }
        #expect(try spec("arch_out5.safetensors").outputShape(forInput: images) == [1, 5])
        #expect(try spec("arch_out20_predict_index.safetensors").outputShape(forInput: images) == [1, 20])
        #expect(try spec("arch_empty_sequential.safetensors").outputShape(forInput: images) == images)
    }

    // MARK: Printing

    @Test func controlCharactersInNamesAreEscapedWhenPrinted() {
        let name = "evil\u{1B}[2J\u{1B}]0;owned\u{07}\n\u{202E}name"
        let checkpoint = Checkpoint(records: [TensorRecord(name: name, type: .f32, shape: [1], bytes: [0, 0, 0, 0])],
                                    metadata: ["note": "bell\u{07}"])
        let table = checkpoint.summaryTable()
        #expect(table.contains(#"evil\x1b[2J\x1b]0;owned\x07\n\u{202e}name"#))
        #expect(table.contains(#"metadata note: bell\x07"#))
        #expect(!table.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(!table.contains("\u{202E}"))
    }
}
