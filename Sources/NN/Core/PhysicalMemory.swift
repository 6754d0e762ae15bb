import Foundation

/// The machine's physical memory: the ceiling for what a file or an option may make us allocate.
///
/// A size read from a file (a layer width, a tensor shape) is checked against it before
/// anything is allocated, so an absurd request is refused with the amount it needs
/// instead of failing in the allocator.
public enum PhysicalMemory {
    /// The memory this process may use, in bytes: the RAM installed, or the control group's
    /// limit when a container sets a smaller one.
    public static var bytes: Int {
        let installed = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        let limits = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"].compactMap { path in
            (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        return limits.filter { $0 > 0 }.reduce(installed, Swift.min)
    }

    /// A byte count for people, in decimal units: `900 bytes`, `3.2 MB`, `313.6 GB`, `4.0 TB`.
    public static func describe(_ bytes: Int) -> String {
        let units = ["kB", "MB", "GB", "TB", "PB", "EB"]
        guard bytes >= 1000 else { return "\(bytes) bytes" }
        var value = Double(bytes) / 1000
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return String(format: "%.1f", value) + " " + units[unit]
    }
}
