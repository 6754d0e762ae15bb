extension String {
    /// The string with control characters escaped (`\x1b`, `\n`, `\u{202e}`), safe to print.
    ///
    /// Tensor names, metadata and other text from files reach the terminal in tables and
    /// error messages; an escape sequence inside a name could otherwise move the cursor,
    /// recolour the screen or hide text. C0/C1 controls, DEL and the bidirectional
    /// overrides are escaped; everything else, including non-ASCII letters, prints as is.
    public var escapedForTerminal: String {
        guard unicodeScalars.contains(where: Self.needsEscape) else { return self }
        var result = ""
        for scalar in unicodeScalars {
            if !Self.needsEscape(scalar) {
                result.unicodeScalars.append(scalar)
            } else if scalar == "\n" {
                result += "\\n"
            } else if scalar == "\t" {
                result += "\\t"
            } else if scalar == "\r" {
                result += "\\r"
            } else if scalar.value < 0x100 {
                let hex = String(scalar.value, radix: 16)
                result += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            }
        }
        return result
    }

    /// Whether printing `scalar` raw could change the terminal's state or the text's direction.
    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
