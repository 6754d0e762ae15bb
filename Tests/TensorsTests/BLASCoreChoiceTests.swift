import Testing
import Tensors

/// Which OpenBLAS core TensorTop asks for at start-up, decided from the core OpenBLAS picked and the CPU's flags.
@Suite struct BLASCoreChoiceTests {
    static let sse: Set<String> = ["fpu", "sse", "sse2", "pni", "ssse3", "sse4_1", "sse4_2"]
    static let avx = sse.union(["avx"])
    static let avx2 = avx.union(["avx2", "fma"])
    static let avx512 = avx2.union(["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"])

    /// One decision: what OpenBLAS picked, the CPU's flags, the user's `OPENBLAS_CORETYPE`, and the core to force.
    struct Case: Sendable, CustomTestStringConvertible {
        let current: String
        let flags: Set<String>
        let userOverride: String?
        let expected: String?
        let testDescription: String
    }

    static let cases: [Case] = [
        Case(current: "Prescott", flags: avx512, userOverride: nil, expected: "SkylakeX", testDescription: "Prescott on an AVX-512 CPU → SkylakeX"),
        Case(current: "Prescott", flags: avx2, userOverride: nil, expected: "Haswell", testDescription: "Prescott on an AVX2 CPU → Haswell"),
        Case(current: "Prescott", flags: avx, userOverride: nil, expected: "Sandybridge", testDescription: "Prescott on an AVX CPU → Sandybridge"),
        Case(current: "Prescott", flags: sse, userOverride: nil, expected: nil, testDescription: "Prescott on an SSE-only CPU stays"),
        Case(current: "Prescott", flags: [], userOverride: nil, expected: nil, testDescription: "no flags known (no /proc/cpuinfo): stays"),
        Case(current: "Prescott", flags: avx512, userOverride: "Prescott", expected: nil, testDescription: "the user's OPENBLAS_CORETYPE wins"),
        Case(current: "Haswell", flags: avx512, userOverride: "Haswell", expected: nil, testDescription: "the user's choice, already loaded"),
        Case(current: "Prescott", flags: avx512, userOverride: "", expected: "SkylakeX", testDescription: "an empty OPENBLAS_CORETYPE is no choice"),
        Case(current: "Haswell", flags: avx512, userOverride: nil, expected: nil, testDescription: "Haswell, already chosen by OpenBLAS, stays"),
        Case(current: "Zen", flags: avx2, userOverride: nil, expected: nil, testDescription: "Zen stays"),
        Case(current: "SkylakeX", flags: avx512, userOverride: nil, expected: nil, testDescription: "SkylakeX stays"),
        Case(current: "Cooperlake", flags: avx512.union(["avx512_bf16"]), userOverride: nil, expected: nil, testDescription: "Cooperlake stays"),
        Case(current: "Sandybridge", flags: avx2, userOverride: nil, expected: nil, testDescription: "Sandybridge (an AVX kernel OpenBLAS chose) stays"),
        Case(current: "Core2", flags: avx2, userOverride: nil, expected: "Haswell", testDescription: "Core2 on an AVX2 CPU → Haswell"),
        Case(current: "Nehalem", flags: avx512, userOverride: nil, expected: "SkylakeX", testDescription: "Nehalem on an AVX-512 CPU → SkylakeX"),
        Case(current: "Barcelona", flags: avx2, userOverride: nil, expected: "Haswell", testDescription: "Barcelona on an AVX2 CPU → Haswell"),
        Case(current: "prescott", flags: avx2, userOverride: nil, expected: "Haswell", testDescription: "core names compare without case"),
        Case(current: "Prescott", flags: avx2.subtracting(["fma"]), userOverride: nil, expected: "Sandybridge", testDescription: "AVX2 without FMA is not enough for Haswell"),
        Case(current: "Prescott", flags: avx512.subtracting(["avx512vl"]), userOverride: nil, expected: "Haswell", testDescription: "AVX-512 without VL is not enough for SkylakeX"),
    ]

    @Test(arguments: cases) func decision(_ row: Case) {
        #expect(BLASCoreChoice.betterCore(current: row.current, cpuFlags: row.flags, userOverride: row.userOverride) == row.expected)
    }

    @Test func flagsComeFromTheFirstFlagsLineOfCPUInfo() {
        let cpuinfo = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            cpu family\t: 6
            model\t\t: 207
            flags\t\t: fpu sse sse2 avx avx2 fma avx512f avx512bw
            bugs\t\t: spectre_v1

            processor\t: 1
            flags\t\t: fpu something_else
            """
        #expect(BLASCoreChoice.cpuFlags(cpuinfo: cpuinfo) == ["fpu", "sse", "sse2", "avx", "avx2", "fma", "avx512f", "avx512bw"])
        #expect(BLASCoreChoice.cpuFlags(cpuinfo: "processor : 0\nFeatures : fp asimd\n").isEmpty)
        #expect(BLASCoreChoice.cpuFlags(cpuinfo: "").isEmpty)
    }
}
