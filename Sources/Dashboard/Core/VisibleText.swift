/// Makes text safe to draw: control characters become visible symbols of the same width.
///
/// Names the user or a file controls (theme names, script names, messages quoting them) end up
/// in screen cells, text frames and recordings; a raw escape or carriage return there would
/// move the cursor or recolour a real terminal. C0 controls show as their Unicode control
/// pictures (ESC as `␛`, NUL as `␀`), DEL as `␡`, anything else (C1 controls, a CR LF pair,
/// the bidirectional overrides and isolates that would reorder the text around them) as `�`.
/// A character a terminal draws two cells wide (CJK ideographs, Hangul, fullwidth forms, most
/// emoji) also shows as `�`: every screen cell holds one column, so a wide one would push the
/// rest of its line out of place.
public enum VisibleText {
    /// `character` itself, or its visible stand-in if it contains a control character or is wide.
    public static func visible(_ character: Character) -> Character {
        if character.unicodeScalars.contains(where: isWide) { return "\u{FFFD}" }
        guard character.unicodeScalars.contains(where: isControl) else { return character }
        let scalars = character.unicodeScalars
        if scalars.count == 1, let value = scalars.first?.value {
            if value < 0x20, let picture = Unicode.Scalar(0x2400 + value) { return Character(picture) }
            if value == 0x7F { return "\u{2421}" }
        }
        return "\u{FFFD}"
    }

    /// A C0 or C1 control, DEL, or a bidirectional override or isolate (U+202A–202E, U+2066–2069).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    /// Whether a terminal draws `scalar` two cells wide (Unicode's East Asian Wide and Fullwidth
    /// blocks, and the emoji blocks shown in colour by default).
    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        let wide: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F900...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x3FFFD,
        ]
        return wide.contains { $0.contains(scalar.value) }
    }

    /// `text` with every control character replaced by its visible stand-in.
    public static func escaping(_ text: String) -> String {
        String(text.map(visible))
    }
}
