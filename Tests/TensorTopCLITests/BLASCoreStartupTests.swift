import Foundation
import Tensors
import Testing

/// At start-up `tensortop` re-executes itself with a better OpenBLAS core when OpenBLAS fell back
/// to an SSE-era one (`BLAS.reloadWithBetterCoreIfNeeded`). The core names depend on the CPU and
/// the library, so these check only what holds everywhere.
@Suite struct BLASCoreStartupTests {
    /// The core named on the second line of `--version`.
    static func versionCore(_ result: Binary.Result) -> String? {
        let lines = result.stdout.split(separator: "\n")
        guard lines.count == 2, lines[1].hasPrefix("OpenBLAS core ") else { return nil }
        return String(lines[1].dropFirst("OpenBLAS core ".count))
    }

    /// The cores OpenBLAS reported while loading (`OPENBLAS_VERBOSE=2` prints `Core: NAME` each time).
    static func loadedCores(_ result: Binary.Result) -> [String] {
        result.stderr.split(separator: "\n").filter { $0.hasPrefix("Core: ") }.map { String($0.dropFirst("Core: ".count)) }
    }

    @Test func theCoreInUseIsNeverOneTheStartUpWouldReplace() throws {
        let result = try Binary.run(["--version"], environment: ["OPENBLAS_VERBOSE": "2"], unsetting: ["OPENBLAS_CORETYPE"])
        #expect(result.status == 0, "\(result.stderr)")
        let core = try #require(Self.versionCore(result), "\(result.stdout)")
        // Loaded once, or twice when the start-up chose a better core: never more (no loop).
        let loaded = Self.loadedCores(result)
        #expect(loaded.count <= 2, "\(result.stderr)")
        if let last = loaded.last { #expect(last == core) }
        #if os(Linux) && arch(x86_64)
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let better = BLASCoreChoice.betterCore(current: core, cpuFlags: BLASCoreChoice.cpuFlags(cpuinfo: cpuinfo), userOverride: nil)
        #expect(better == nil, "OpenBLAS runs \(core) though this CPU could run \(better ?? "")")
        #endif
    }

    @Test func aUsersCoreTypeIsKept() throws {
        let result = try Binary.run(["--version"], environment: ["OPENBLAS_CORETYPE": "Prescott", "OPENBLAS_VERBOSE": "2"])
        #expect(result.status == 0, "\(result.stderr)")
        let core = try #require(Self.versionCore(result), "\(result.stdout)")
        // Loaded once: the user's choice is not replaced, whatever this CPU could run.
        let loaded = Self.loadedCores(result)
        #expect(loaded.count <= 1, "\(result.stderr)")
        if let only = loaded.first { #expect(only == core) }
    }
}
