// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "TensorTop",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Tensors", targets: ["Tensors"]),
        .library(name: "NN", targets: ["NN"]),
        .library(name: "Optim", targets: ["Optim"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "Telemetry", targets: ["Telemetry"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "Checkpoints", targets: ["Checkpoints"]),
        .library(name: "Recording", targets: ["Recording"]),
        .executable(name: "tensortop", targets: ["tensortop"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // MARK: C libraries (system-library targets; see Sources/C*/module.modulemap)
        .systemLibrary(
            name: "COpenBLAS", path: "Sources/COpenBLAS",
            pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CGzip", path: "Sources/CGzip", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .systemLibrary(name: "CCPUHints", path: "Sources/CCPUHints"),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        // Restores the terminal from signal handlers (C: only async-signal-safe calls, static storage).
        .target(name: "CTerminalGuard", path: "Sources/CTerminalGuard"),
        // The convolutional step's hot loops, built for plain x86-64 and AVX2 and picked at load time.
        .target(name: "CVectorKernels", path: "Sources/CVectorKernels", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),

        // MARK: Core
        .target(name: "Tensors", dependencies: ["COpenBLAS", "CMalloc", "CCPUHints", "CVectorKernels", "FixedOrderKernels"]),
        // The deterministic matrix product, optimised in debug builds too: unoptimised SIMD code
        // is ~100× slower, and demos replayed by the (debug) tests use it. Optimisation cannot
        // change its results: Swift neither reassociates nor fuses float operations.
        .target(name: "FixedOrderKernels", swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "NN", dependencies: ["Tensors", "COpenBLAS"]),
        .target(name: "Optim", dependencies: ["Tensors"]),
        .target(name: "Telemetry"),
        .target(name: "FileWriting"),
        // Recorded runs (.ttrun): the recorder and the replay source.
        .target(name: "Recording", dependencies: ["Telemetry", "FileWriting", "CGzip"]),
        .target(name: "Dashboard", dependencies: ["Telemetry"]),
        // TensorBoard event files: TFRecord framing and the event protobufs (generated code committed; `make proto`).
        // CRC-32C with the CPU's instruction (SSE 4.2 / arm64 CRC), for TFRecord framing.
        .target(name: "CChecksums", path: "Sources/CChecksums"),
        .target(name: "TensorBoard", dependencies: ["Telemetry", "CChecksums", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                exclude: ["Proto/events.proto"]),
        .target(name: "CursesTerminal", dependencies: ["Dashboard", "CNcursesw", "CTerminalGuard"]),
        .target(name: "App", dependencies: ["Dashboard", "Telemetry", "Training", "NN", "FileWriting", "Recording", "TensorBoard", "Datasets", "AutogradLab"]),
        .target(name: "Training", dependencies: ["Tensors", "NN", "Optim", "Datasets", "Checkpoints", "Telemetry"]),
        .target(name: "Attach", dependencies: ["Telemetry", "Tensors"]),
        // The autograd stepper's engine side: typed expressions over named leaves, evaluated and stepped back through.
        .target(name: "AutogradLab", dependencies: ["Tensors", "NN", "Telemetry"]),
        .target(
            name: "Datasets",
            dependencies: ["Tensors", "FileWriting", "CGzip", "CPNG", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "Checkpoints",
            dependencies: ["Tensors", "NN", "FileWriting", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),

        // MARK: App
        .executableTarget(
            name: "tensortop",
            dependencies: [
                "Tensors", "NN", "Checkpoints", "Datasets", "Telemetry", "Training", "Dashboard", "CursesTerminal", "App", "FileWriting",
                "Recording", "Attach", "TensorBoard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "notebook", dependencies: ["Tensors", "NN", "Datasets"]),
        .executableTarget(name: "tensortop-bench", dependencies: ["Tensors", "NN", "Datasets", "Telemetry", "Training", "Dashboard", "App", "Recording", "TensorBoard", "COpenBLAS"]),

        // MARK: Tests
        .target(name: "TestSupport", dependencies: ["Tensors"], path: "Tests/TestSupport"),
        .testTarget(
            name: "NNTests", dependencies: ["NN", "Optim", "Tensors", "TestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "CheckpointsTests",
            dependencies: ["Checkpoints", "NN", "Tensors", "TestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "TensorTopCLITests",
            dependencies: ["TensorBoard", "tensortop", "Recording", "Telemetry", "Tensors", "TestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            exclude: ["Golden"]),
        .testTarget(name: "DemoTests", dependencies: ["App", "Dashboard", "Recording", "Telemetry", "TestSupport"], exclude: ["ReplayGolden"], resources: [.copy("Fixtures")]),
        .testTarget(name: "FileWritingTests", dependencies: ["FileWriting", "TestSupport"]),
        .testTarget(name: "RecordingTests", dependencies: ["Recording", "Telemetry"]),
        .testTarget(name: "TensorBoardTests", dependencies: ["TensorBoard"], exclude: ["Fixtures/make_fixtures.py"], resources: [.copy("Fixtures/logs")]),
        .testTarget(name: "AttachTests", dependencies: ["Attach", "Telemetry", "Dashboard"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AutogradLabTests", dependencies: ["AutogradLab", "NN", "Tensors", "Telemetry"]),
        .testTarget(name: "BoardTests", dependencies: ["App", "Dashboard", "TensorBoard"]),
        .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "Telemetry"], resources: [.copy("Golden")]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Telemetry", "NN", "Optim", "Tensors", "Datasets", "Checkpoints"]),
        .testTarget(
            name: "DatasetsTests",
            dependencies: ["Datasets", "Tensors", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "TensorsTests", dependencies: ["Tensors", "TestSupport"],
            resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)

// MARK: Fuzzing (`make fuzz`; see the README's Fuzzing section)
// One libFuzzer harness per reader of untrusted bytes. They call libFuzzer's driver, which only a
// -sanitize=fuzzer build links: they exist only when TENSORTOP_FUZZ=1, never in a normal build.
if Context.environment["TENSORTOP_FUZZ"] == "1" {
    let harnesses: [(name: String, dependencies: [Target.Dependency])] = [
        ("png", ["Datasets", "CGzip"]), ("pnm", ["Datasets"]), ("idx", ["Datasets"]),
        ("theme", ["Dashboard"]), ("demo", ["App", "Training"]),
        ("safetensors", ["Checkpoints"]), ("pickle", ["Checkpoints"]), ("pth", ["Checkpoints"]),
        ("ttrun", ["Recording", "Telemetry", "CGzip"]), ("tfevents", ["TensorBoard"]),
    ]
    package.targets += [
        .systemLibrary(name: "CFuzzer", path: "Fuzz/CFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzer"], path: "Fuzz/FuzzSupport"),
    ]
    for harness in harnesses {
        package.targets.append(.executableTarget(
            name: "fuzz-\(harness.name)", dependencies: harness.dependencies + ["FuzzSupport"],
            path: "Fuzz/Harnesses/\(harness.name)"))
    }
}
