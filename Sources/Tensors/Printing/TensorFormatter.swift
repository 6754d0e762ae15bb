#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Chooses one number format for a whole tensor, exactly as PyTorch's `_Formatter` does.
///
/// Floats whose finite non-zero values are all whole print as `6.`; otherwise fixed
/// point with `precision` digits, or scientific notation when the largest and smallest
/// magnitudes are more than 1000× apart, the largest exceeds 1e8 or the smallest is below
/// 1e-4. Every element is right-aligned to the widest one.
struct TensorFormatter {
    let isFloatingPoint: Bool
    let isBool: Bool
    private(set) var intMode = true
    private(set) var sciMode = false
    private(set) var width = 1
    let precision: Int

    init(values: [Double], dtype: DType, precision: Int) {
        self.precision = precision
        isFloatingPoint = dtype.isFloatingPoint
        isBool = dtype == .bool
        if !isFloatingPoint {
            for v in values { width = Swift.max(width, integerText(v).count) }
            return
        }
        let finite = values.filter { $0.isFinite && $0 != 0 }
        if finite.isEmpty { return }
        let magnitudes = finite.map(Swift.abs)
        let smallest = magnitudes.min()!, largest = magnitudes.max()!
        intMode = finite.allSatisfy { $0 == $0.rounded(.up) }
        if intMode {
            if largest / smallest > 1000 || largest > 1e8 {
                sciMode = true
                for v in finite { width = Swift.max(width, scientific(v).count) }
            } else {
                for v in finite { width = Swift.max(width, fixed(v, digits: 0).count + 1) }
            }
        } else if largest / smallest > 1000 || largest > 1e8 || smallest < 1e-4 {
            sciMode = true
            for v in finite { width = Swift.max(width, scientific(v).count) }
        } else {
            for v in finite { width = Swift.max(width, fixed(v, digits: precision).count) }
        }
    }

    /// One element, right-aligned to the common width.
    func format(_ value: Double) -> String {
        let text: String
        if !isFloatingPoint {
            text = integerText(value)
        } else if sciMode {
            text = scientific(value)
        } else if intMode {
            text = fixed(value, digits: 0) + (value.isFinite ? "." : "")
        } else {
            text = fixed(value, digits: precision)
        }
        return String(repeating: " ", count: Swift.max(0, width - text.count)) + text
    }

    private func integerText(_ v: Double) -> String {
        if isBool { return v != 0 ? "True" : "False" }
        return String(Int64(v))
    }

    private func fixed(_ v: Double, digits: Int) -> String { cFormat(v, "%.\(digits)f") }

    private func scientific(_ v: Double) -> String { cFormat(v, "%.\(precision)e") }

    /// Python and C agree on these formats, including `nan` and `inf`.
    private func cFormat(_ v: Double, _ format: String) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([v]) { vsnprintf(&buffer, buffer.count, format, $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
