/// Makes text safe to draw: control characters become visible symbols of the same width.
///
/// Names the user or a file controls (theme names, script names, messages quoting them) end up
/// in screen cells, text frames and recordings; a raw escape or carriage return there would
/// move the cursor or recolour a real terminal. C0 controls show as their Unicode control
/// pictures (ESC as `␛`, NUL as `␀`), DEL as `␡`, anything else (C1 controls, a CR LF pair,
/// the bidirectional overrides and isolates that would reorder the text around them) as `�`.
public enum VisibleText {
    /// `character` itself, or its visible stand-in if it contains a control character.
    public static func visible(_ character: Character) -> Character {
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

    /// `text` with every control character replaced by its visible stand-in.
    public static func escaping(_ text: String) -> String {
        String(text.map(visible))
    }
}
