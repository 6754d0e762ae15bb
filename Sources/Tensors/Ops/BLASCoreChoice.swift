/// Which OpenBLAS kernel to ask for when OpenBLAS did not recognise the CPU (pure decisions).
///
/// OpenBLAS built with `DYNAMIC_ARCH` (Debian's package) picks its kernels from the CPU's
/// family and model when it loads. A CPU newer than the library (OpenBLAS 0.3.21 and an Intel
/// Xeon of family 6, model 207, say) is not in its table, and it falls back to an SSE-era
/// kernel (`Prescott`) even when the CPU has AVX-512: matrix products then run about 5×
/// slower. OpenBLAS reads `OPENBLAS_CORETYPE` only while it loads, so the cure is to set it
/// and start the program again (`BLAS.reloadWithBetterCoreIfNeeded()` does, at start-up); this
/// type only decides.
public enum BLASCoreChoice {
    /// OpenBLAS's x86-64 dynamic cores that use at most SSE3/SSSE3/SSE4: the fallbacks for a CPU it
    /// does not know (`Unknown` never stays, but is listed for safety), lower-cased.
    ///
    /// From the core names in OpenBLAS's `driver/others/dynamic.c`; the cores left out use AVX
    /// or better (Sandybridge, Bulldozer, Piledriver, Steamroller, Excavator, Haswell, Zen,
    /// SkylakeX, Cooperlake, SapphireRapids), and OpenBLAS picks those only for a CPU it knows.
    public static let sseEraCores: Set<String> = [
        "unknown", "katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2",
        "penryn", "dunnington", "nehalem", "athlon", "opteron", "opteron_sse3", "barcelona",
        "nano", "bobcat",
    ]

    /// The core to force with `OPENBLAS_CORETYPE`, or nil to keep the one OpenBLAS picked.
    ///
    /// - Parameters:
    ///   - current: the core OpenBLAS picked (`openblas_get_corename()`, e.g. `Prescott`).
    ///   - cpuFlags: the CPU's feature flags as Linux names them in `/proc/cpuinfo` (`avx2`,
    ///     `avx512f`, ...); the kernel lists only those the OS lets programs use.
    ///   - userOverride: the value of `OPENBLAS_CORETYPE` in the environment, if any.
    /// - Returns: `SkylakeX` for AVX-512 F, BW, DQ and VL (with AVX2 and FMA), else `Haswell`
    ///   for AVX2 and FMA, else `Sandybridge` for AVX — but only when `current` is one of
    ///   `sseEraCores` and the user set no core of their own (an empty `OPENBLAS_CORETYPE`
    ///   counts as none). Nil otherwise: a core OpenBLAS chose knowingly, a user's choice, and a
    ///   CPU with nothing better than SSE all stay as they are.
    public static func betterCore(current: String, cpuFlags: Set<String>, userOverride: String?) -> String? {
        if let userOverride, !userOverride.isEmpty { return nil }
        guard sseEraCores.contains(current.lowercased()) else { return nil }
        let avx2 = cpuFlags.isSuperset(of: ["avx", "avx2", "fma"])
        if avx2 && cpuFlags.isSuperset(of: ["avx512f", "avx512bw", "avx512dq", "avx512vl"]) { return "SkylakeX" }
        if avx2 { return "Haswell" }
        if cpuFlags.contains("avx") { return "Sandybridge" }
        return nil
    }

    /// The feature flags of the first processor in the text of Linux's `/proc/cpuinfo`.
    ///
    /// x86 kernels list them on a `flags : fpu vme ... avx2 ...` line; empty when there is none.
    public static func cpuFlags(cpuinfo: String) -> Set<String> {
        for line in cpuinfo.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingSpaces() == "flags" else { continue }
            return Set(parts[1].split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init))
        }
        return []
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    fileprivate func trimmingSpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}
