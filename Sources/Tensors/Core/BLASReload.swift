#if os(Linux) && arch(x86_64)
import Glibc
#endif

extension BLAS {
    /// Starts this program again with a fast OpenBLAS kernel when OpenBLAS fell back to an SSE-era one.
    ///
    /// OpenBLAS 0.3.21 (Debian 12) does not recognise recent CPUs and runs its SSE3 `Prescott`
    /// kernels on them, AVX-512 or not: training ran 5× slower (one epoch 2.3 s against 0.43 s).
    /// It reads `OPENBLAS_CORETYPE` only while it loads, before `main`. So when
    /// `BLASCoreChoice.betterCore` names a better core for this CPU (flags from `/proc/cpuinfo`),
    /// this sets `OPENBLAS_CORETYPE` to it and replaces the process with a fresh copy of
    /// itself (`execv` of `/proc/self/exe`, same arguments, same process id), which loads
    /// OpenBLAS again with those kernels. The variable being set stops it the second time,
    /// and a user's own `OPENBLAS_CORETYPE` is always kept. Call it first thing in `main`,
    /// before anything else runs: the executables (`tensortop`, the bench) do. Only on x86-64
    /// Linux; when it cannot (no `/proc`, the exec fails) it returns and the program carries on
    /// with the kernel it has, silently.
    public static func reloadWithBetterCoreIfNeeded() {
        #if os(Linux) && arch(x86_64)
        let variable = "OPENBLAS_CORETYPE"
        let userCore = getenv(variable).map { String(cString: $0) }
        guard let core = BLASCoreChoice.betterCore(
            current: coreName, cpuFlags: BLASCoreChoice.cpuFlags(cpuinfo: firstProcessorInfo()), userOverride: userCore)
        else { return }
        guard setenv(variable, core, 1) == 0 else { return }
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Still here: the exec failed. Leave the environment as it was for child processes.
        if let userCore { setenv(variable, userCore, 1) } else { unsetenv(variable) }
        #endif
    }

    #if os(Linux) && arch(x86_64)
    /// The first processor's block of `/proc/cpuinfo` (up to its blank line), or "" when unreadable.
    private static func firstProcessorInfo() -> String {
        guard let file = fopen("/proc/cpuinfo", "r") else { return "" }
        defer { fclose(file) }
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        var text = ""
        while getline(&buffer, &capacity, file) > 0, let buffer {
            let line = String(cString: buffer)
            if line == "\n" { break }
            text += line
        }
        return text
    }
    #endif
}
