/// Terminal escape sequences for a buffer: what a recording plays back.
public enum ANSI {
    /// The bytes that turn the screen showing `previous` into `buffer`: a full redraw when
    /// there is no previous frame (or its size differs), else only the changed cells.
    public static func update(from previous: Buffer?, to buffer: Buffer, colors256: Bool = true) -> String {
        var out = ""
        let full = previous == nil || previous!.width != buffer.width || previous!.height != buffer.height
        if full { out += "\u{1B}[0m\u{1B}[2J\u{1B}[H" }
        var current: Style?
        var cursor: (Int, Int)?
        for (x, y) in buffer.changes(from: full ? nil : previous) {
            let cell = buffer[x, y]
            if cursor == nil || cursor! != (x, y) { out += "\u{1B}[\(y + 1);\(x + 1)H" }
            if current != cell.style {
                out += sgr(cell.style, colors256: colors256)
                current = cell.style
            }
            out.append(VisibleText.visible(cell.character))
            cursor = (x + 1, y)
        }
        return out + "\u{1B}[0m"
    }

    /// Select Graphic Rendition for a style (a reset first, so styles never leak).
    static func sgr(_ style: Style, colors256: Bool) -> String {
        var codes = ["0"]
        if style.bold { codes.append("1") }
        if style.dim { codes.append("2") }
        if style.underline { codes.append("4") }
        if style.reverse { codes.append("7") }
        if let fg = colors256 ? style.foreground.index256 : style.foreground.index8 {
            codes.append(colors256 ? "38;5;\(fg)" : "\(30 + fg)")
        }
        if let bg = colors256 ? style.background.index256 : style.background.index8 {
            codes.append(colors256 ? "48;5;\(bg)" : "\(40 + bg)")
        }
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }
}
