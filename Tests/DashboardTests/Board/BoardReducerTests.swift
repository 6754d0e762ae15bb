import Dashboard
import Testing

/// The board's keys: views, selection, the filter typed after `/`, full-screen, smoothing,
/// image steps — each through `reduceBoard` on data made in code.
struct BoardReducerTests {
    @Test func viewsListTheirCardsInTagThenRunOrder() {
        let state = BoardSample.state()
        #expect(state.cards(.scalars).map(\.tag) == ["accuracy/test", "loss/train"])
        #expect(state.cards(.histograms) == [BoardCard(tag: "weights/fc.weight", run: "baseline"), BoardCard(tag: "weights/fc.weight", run: "wide")])
        #expect(state.cards(.images) == [BoardCard(tag: "batch", run: "baseline")])
    }

    @Test func numberKeysSwitchViewsAndArrowsSelectWithinTheCards() {
        var state = BoardSample.state()
        _ = BoardSample.press([.down, .down, .down], &state)
        #expect(state.selectedCard?.tag == "loss/train", "the selection stops at the last card")
        _ = BoardSample.press([.character("2"), .down], &state)
        #expect(state.tab == .histograms && state.selectedCard?.run == "wide")
        _ = BoardSample.press([.character("1")], &state)
        #expect(state.selectedCard?.tag == "loss/train", "each view keeps its own selection")
        _ = BoardSample.press([.up, .up], &state)
        #expect(state.selectedIndex == 0)
    }

    @Test func theFilterFollowsTheTypingAndEnterKeepsIt() {
        var state = BoardSample.state()
        _ = BoardSample.press([.character("/")], &state)
        BoardSample.type("LOSS", &state)
        #expect(state.filterDraft == "LOSS")
        #expect(state.cards(.scalars).map(\.tag) == ["loss/train"], "case-insensitive, applied while typing")
        _ = BoardSample.press([.enter], &state)
        #expect(state.filter == "LOSS" && state.filterDraft == nil)
        #expect(state.message == "filter /LOSS/: 1 chart in scalars")
        // q while typing is a letter, not quit.
        _ = BoardSample.press([.character("/")], &state)
        let effects = BoardSample.press([.character("q")], &state)
        #expect(effects.isEmpty && state.filterDraft == "LOSSq")
        _ = BoardSample.press([.escape], &state)
        #expect(state.filter == "LOSS" && state.filterDraft == nil, "esc goes back to the filter before")
        _ = BoardSample.press([.escape], &state)
        #expect(state.filter.isEmpty && state.cards(.scalars).count == 2, "esc again clears it")
    }

    @Test func anInvalidExpressionIsRefusedWithAMessageAndKeepsTheCards() {
        var state = BoardSample.state()
        _ = BoardSample.press([.character("/")], &state)
        BoardSample.type("loss(", &state)
        #expect(state.cards(.scalars).map(\.tag) == ["loss/train"], "an unfinished expression keeps the last valid one, /loss/")
        _ = BoardSample.press([.enter], &state)
        #expect(state.filterDraft == "loss(", "still typing")
        #expect(state.message?.contains("is not a regular expression") == true)
        _ = BoardSample.press([.backspace, .enter], &state)
        #expect(state.filter == "loss")
    }

    @Test func enterZoomsTheSelectedCardAndEscLeaves() {
        var state = BoardSample.state()
        _ = BoardSample.press([.down, .enter], &state)
        #expect(state.fullScreen)
        let text = BoardView.render(state, theme: .monochrome).text
        #expect(text.contains("loss/train") && !text.contains("accuracy/test"), "\(text)")
        #expect(text.contains("chart 2 of 2"))
        _ = BoardSample.press([.escape], &state)
        #expect(!state.fullScreen)
    }

    @Test func smoothingMovesInStepsWithinZeroAnd099() {
        var state = BoardSample.state()
        _ = BoardSample.press(Array(repeating: .character("]"), count: 10), &state)
        #expect(state.smoothing == 0.99)
        _ = BoardSample.press(Array(repeating: .character("["), count: 30), &state)
        #expect(state.smoothing == 0)
        _ = BoardSample.press([.character("]")], &state)
        #expect(state.smoothing == 0.05)
    }

    @Test func xCyclesTheAxisAndTheChartSaysWhichEnds() {
        var state = BoardSample.state()
        _ = BoardSample.press([.character("x")], &state)
        #expect(state.xAxis == .relative)
        let text = BoardView.render(state, theme: .monochrome).text
        #expect(text.contains("1m18s"), "the loss runs last 78 s: \(text)")
        _ = BoardSample.press([.character("x"), .character("x")], &state)
        #expect(state.xAxis == .step)
    }

    @Test func arrowsStepThroughTheSelectedImageWithinItsImages() {
        var state = BoardSample.state()
        _ = BoardSample.press([.character("3")], &state)
        var text = BoardView.render(state, theme: .monochrome).text
        #expect(text.contains("step 200") && text.contains("not a PNG image TensorTop can read"), "the newest first: \(text)")
        _ = BoardSample.press([.left], &state)
        text = BoardView.render(state, theme: .monochrome).text
        #expect(text.contains("step 100  2 of 3  16×16"), "\(text)")
        _ = BoardSample.press([.left, .left, .left], &state)
        #expect(BoardView.render(state, theme: .monochrome).text.contains("step 0  1 of 3"))
        _ = BoardSample.press([.end], &state)
        #expect(BoardView.render(state, theme: .monochrome).text.contains("step 200  3 of 3"))
    }

    @Test func newDataKeepsTheSelectionOnItsCard() {
        var state = BoardSample.state()
        _ = BoardSample.press([.down], &state)
        var data = BoardSample.data()
        data.scalars["a-first/tag"] = [BoardSeries(run: "baseline", items: [BoardPoint(step: 0, wallTime: 0, value: 1)])]
        _ = reduceBoard(&state, .data(data))
        #expect(state.selectedCard?.tag == "loss/train")
    }

    @Test func aTooSmallTerminalSaysSoAndOnlyQuitWorks() {
        var state = BoardSample.state(width: 60, height: 20)
        #expect(BoardView.render(state, theme: .monochrome).text.contains("terminal too small"))
        #expect(BoardSample.press([.character("2")], &state).isEmpty && state.tab == .scalars)
        #expect(BoardSample.press([.character("q")], &state) == [.quit])
    }

    @Test func helpListsTheViewsKeysAndAnyKeyClosesIt() {
        var state = BoardSample.state(width: 120, height: 40)
        _ = BoardSample.press([.character("?")], &state)
        let text = BoardView.render(state, theme: .monochrome).text
        #expect(text.contains("less / more smoothing") && !text.contains("an older / newer image"), "scalars' keys only")
        _ = BoardSample.press([.character("x")], &state)
        #expect(!state.showHelp && state.xAxis == .step, "the closing key does nothing else")
    }

    @Test func aClickSelectsTheCardUnderItAndASecondClickZooms() {
        // 100×30: two cards side by side, each half the width.
        var state = BoardSample.state(width: 100, height: 30)
        _ = reduceBoard(&state, .mouse(MouseEvent(.press(.left), x: 75, y: 10)))
        #expect(state.selectedCard?.tag == "loss/train" && !state.fullScreen)
        _ = reduceBoard(&state, .mouse(MouseEvent(.press(.left), x: 75, y: 10)))
        #expect(state.fullScreen)
        _ = reduceBoard(&state, .mouse(MouseEvent(.wheelUp, x: 10, y: 10)))
        #expect(state.selectedCard?.tag == "accuracy/test")
    }
}
