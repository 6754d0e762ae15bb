import Foundation

/// The machine's physical memory: the ceiling for what a file or an option may make us allocate.
///
/// A size read from a file (a layer width, a tensor shape) is checked against it before
/// anything is allocated, so an absurd request is refused with the amount it needs
/// instead of failing in the allocator.
public enum PhysicalMemory {
    /// Bytes of RAM installed.
    public static var bytes: Int { Int(clamping: ProcessInfo.processInfo.physicalMemory) }

    /// A byte count for people, in decimal units: `900 bytes`, `3.2 MB`, `4.0 TB`.
    public static func describe(_ bytes: Int) -> String {
        let units = ["KB", "MB", "GB", "TB", "PB", "EB"]
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
