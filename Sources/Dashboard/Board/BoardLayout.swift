/// Where the parts of the board are for a state: the header line, the grid of cards, the
/// status bar. The view draws into these and clicks are found in them.
struct BoardLayout: Equatable {
    /// The smallest width a card in the grid gets, and its smallest height.
    static let cardWidth = 40
    static let cardHeight = 10

    let header: Rect
    /// Where the cards go.
    let area: Rect
    let status: Rect
    let columns: Int
    let rows: Int
    /// The cards one screen holds.
    var perPage: Int { columns * rows }

    /// The layout of a state, nil when the terminal is smaller than the dashboard's minimum.
    init?(_ state: BoardState) {
        guard state.width >= DashboardView.minimumWidth, state.height >= DashboardView.minimumHeight else { return nil }
        header = Rect(x: 0, y: 0, width: state.width, height: 1)
        area = Rect(x: 0, y: 1, width: state.width, height: state.height - 3)
        status = Rect(x: 0, y: state.height - 2, width: state.width, height: 2)
        let count = state.cards(state.tab).count
        if state.fullScreen {
            (columns, rows) = (1, 1)
        } else {
            // As many cards as fit; fewer cards than that share the room out between them.
            let columnsFit = max(1, area.width / Self.cardWidth), rowsFit = max(1, area.height / Self.cardHeight)
            columns = max(1, min(columnsFit, count))
            rows = max(1, min(rowsFit, (count + columns - 1) / columns))
        }
    }

    /// The index of the first card on the screen that shows `selected`.
    func firstShown(selected: Int) -> Int { (selected / perPage) * perPage }

    /// The rectangle of the card in `slot` (0 top left, row by row), sharing out spare cells.
    func rect(ofSlot slot: Int) -> Rect {
        let column = slot % columns, row = slot / columns
        let x0 = area.x + column * area.width / columns, x1 = area.x + (column + 1) * area.width / columns
        let y0 = area.y + row * area.height / rows, y1 = area.y + (row + 1) * area.height / rows
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// The index (in the view's cards) of the card at a screen cell, if one is shown there.
    func card(atX x: Int, y: Int, state: BoardState) -> Int? {
        let first = firstShown(selected: state.selectedIndex), count = state.cards(state.tab).count
        for slot in 0..<perPage where first + slot < count {
            if rect(ofSlot: slot).contains(x: x, y: y) { return first + slot }
        }
        return nil
    }
}
