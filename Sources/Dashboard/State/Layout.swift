/// Where the parts of the screen are for a state: `DashboardView` draws into these rectangles
/// and the reducer finds clicks in them, so both always agree.
public struct Layout: Sendable, Equatable {
    /// The caption line at the top (demo recordings), if there is one.
    public var caption: Rect?
    /// The pages' area, between the caption and the status bar; overlays are centred in it.
    public var screen: Rect
    /// The status bar's two lines at the bottom.
    public var status: Rect
    /// The main page's panels (none on the other pages).
    public var panels: [Panel: Rect]

    /// The layout of `state`'s screen, or nil when the terminal is too small for the panels.
    public init?(_ state: DashboardState) {
        guard state.width >= DashboardView.minimumWidth, state.height >= DashboardView.minimumHeight else { return nil }
        let captionHeight = state.caption == nil ? 0 : 1
        caption = state.caption == nil ? nil : Rect(x: 0, y: 0, width: state.width, height: 1)
        screen = Rect(x: 0, y: captionHeight, width: state.width, height: state.height - 2 - captionHeight)
        status = Rect(x: 0, y: state.height - 2, width: state.width, height: 2)
        panels = state.page == .main ? Self.mainPanels(in: screen) : [:]
    }

    /// The main page's four panels: loss and weights on top, batch and gradients below.
    static func mainPanels(in screen: Rect) -> [Panel: Rect] {
        // The bottom row gets the extra line: on 120×40 it fits two rows of four half-size images.
        let (top, bottom) = screen.splitRows(screen.height * 9 / 19)
        let (loss, weights) = top.splitColumns(top.width * 11 / 20)
        let (batch, gradients) = bottom.splitColumns(max(bottom.width / 2, min(62, bottom.width * 11 / 20)))
        return [.loss: loss, .weights: weights, .batch: batch, .gradients: gradients]
    }

    /// Where a main-page panel is (empty on the other pages).
    public func rect(of panel: Panel) -> Rect { panels[panel] ?? Rect(x: screen.x, y: screen.y, width: 0, height: 0) }

    /// The main-page panel at a screen cell, if any.
    public func panel(atX x: Int, y: Int) -> Panel? {
        Panel.allCases.first { panels[$0]?.contains(x: x, y: y) == true }
    }
}

extension Rect {
    /// Whether the cell (x, y) lies inside.
    public func contains(x: Int, y: Int) -> Bool { x >= self.x && x < maxX && y >= self.y && y < maxY }
}
