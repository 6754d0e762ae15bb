/// One screen position: a character and its style.
public struct Cell: Sendable, Equatable, Hashable {
    public var character: Character
    public var style: Style

    public init(_ character: Character = " ", _ style: Style = .plain) {
        self.character = character
        self.style = style
    }
}

/// A rectangle of the screen, in cells.
public struct Rect: Sendable, Equatable, Hashable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width == 0 || height == 0 }

    /// The rectangle shrunk by `n` cells on every side.
    public func inset(_ n: Int) -> Rect { Rect(x: x + n, y: y + n, width: width - 2 * n, height: height - 2 * n) }

    /// Splits into a left part `width` wide and the rest.
    public func splitColumns(_ left: Int) -> (Rect, Rect) {
        let l = min(max(0, left), width)
        return (Rect(x: x, y: y, width: l, height: height), Rect(x: x + l, y: y, width: width - l, height: height))
    }

    /// Splits into a top part `height` high and the rest.
    public func splitRows(_ top: Int) -> (Rect, Rect) {
        let t = min(max(0, top), height)
        return (Rect(x: x, y: y, width: width, height: t), Rect(x: x, y: y + t, width: width, height: height - t))
    }
}

/// The whole screen in memory: every frame is drawn here, then only changed cells are sent
/// to the terminal (or the text is compared in tests).
public struct Buffer: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(), count: self.width * self.height)
    }

    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Writes `text` from (x, y) in `style`, clipped to `clip` (and the screen); returns the x after the text.
    ///
    /// Control characters are drawn as visible symbols (`VisibleText`), never sent raw.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil) -> Int {
        let bounds = clip ?? area
        guard y >= bounds.y, y < bounds.maxY, y >= 0, y < height else { return x }
        var column = x
        for character in text {
            if column >= bounds.maxX || column >= width { break }
            if column >= bounds.x && column >= 0 { cells[y * width + column] = Cell(VisibleText.visible(character), style) }
            column += 1
        }
        return column
    }

    /// Sets every cell of `rect` to `cell`.
    public mutating func fill(_ rect: Rect, with cell: Cell = Cell()) {
        for y in max(0, rect.y)..<min(height, rect.maxY) {
            for x in max(0, rect.x)..<min(width, rect.maxX) { cells[y * width + x] = cell }
        }
    }

    /// Sets the style of every cell in `rect`, keeping the characters.
    public mutating func restyle(_ rect: Rect, _ style: Style) {
        for y in max(0, rect.y)..<min(height, rect.maxY) {
            for x in max(0, rect.x)..<min(width, rect.maxX) { cells[y * width + x].style = style }
        }
    }

    /// The screen's characters, one string per row (trailing spaces kept).
    public var lines: [String] {
        (0..<height).map { y in String(cells[(y * width)..<((y + 1) * width)].map(\.character)) }
    }

    /// The screen's characters as text with trailing spaces removed, rows joined by newlines.
    public var text: String {
        lines.map { line in String(line.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
    }

    /// The positions whose cell differs from `previous` (all of them if the sizes differ).
    public func changes(from previous: Buffer?) -> [(x: Int, y: Int)] {
        guard let previous, previous.width == width, previous.height == height else {
            return (0..<(width * height)).map { ($0 % width, $0 / width) }
        }
        var result: [(Int, Int)] = []
        for i in 0..<cells.count where cells[i] != previous.cells[i] { result.append((i % width, i / width)) }
        return result
    }
}
