import Dashboard
import Telemetry
import Testing

/// New keys, a replay's keys, preferences and the mouse, through the reducer.
@Suite struct InputReducerTests {
    func live() -> DashboardState { Sample.state(width: 120, height: 40) }

    func replay(index: Int = 11, playing: Bool = true) -> DashboardState {
        var state = live()
        _ = reduce(&state, .capabilities(InputTableTests.replay))
        var snapshot = state.snapshot!
        snapshot.timeline = TimelinePosition(index: index, count: 40, playing: playing)
        _ = reduce(&state, .snapshot(snapshot))
        return state
    }

    func press(_ state: inout DashboardState, _ name: String) -> [Effect] { reduce(&state, .key(Key(name: name)!)) }

    @Test func newKeysPageHistoryLossWindowAndSpeed() {
        var s = live()
        _ = press(&s, "3")
        #expect(s.page == .history)
        for expected in LossWindow.cycle.dropFirst() + [.all] {
            #expect(press(&s, "z").isEmpty)
            #expect(s.lossWindow == expected)
        }
        #expect(press(&s, "<") == [.send(.setSpeed(stepsPerSecond: 500)), .savePreferences(Preferences(speedLimit: 500))])
        var limited = s.snapshot!
        limited.speedLimit = 1
        _ = reduce(&s, .snapshot(limited))
        #expect(press(&s, "<") == [.send(.setSpeed(stepsPerSecond: 1)), .savePreferences(Preferences(speedLimit: 1))])
        #expect(press(&s, ">") == [.send(.setSpeed(stepsPerSecond: 2)), .savePreferences(Preferences(speedLimit: 2))])
        limited.speedLimit = 500
        _ = reduce(&s, .snapshot(limited))
        #expect(press(&s, ">") == [.send(.setSpeed(stepsPerSecond: nil)), .savePreferences(Preferences(speedLimit: nil))])
        // Live, ← and → still move the selected parameter.
        _ = press(&s, "right")
        #expect(s.selectedParameter == 1)
        #expect(press(&s, "home").isEmpty)
        #expect(s.message == "this source has no timeline to move through")
    }

    @Test func preferenceKeysAskForASave() {
        var s = live()
        #expect(press(&s, "g") == [.savePreferences(Preferences(logScale: true))])
        #expect(press(&s, "[") == [.savePreferences(Preferences(smoothing: 0.85, logScale: true))])
        for _ in 0..<5 { _ = press(&s, "]") }
        #expect(s.smoothing == 0.99)  // the top
        #expect(s.preferences.smoothing == 0.99)
    }

    @Test func aReplaysKeysMoveTheTimelineAndTrainerKeysSayWhyNot() {
        var s = replay()
        #expect(press(&s, "space") == [.send(.togglePause)])
        #expect(press(&s, "left") == [.send(.seek(.by(-1)))])
        #expect(press(&s, "right") == [.send(.seek(.by(1)))])
        #expect(press(&s, "home") == [.send(.seek(.first))])
        #expect(press(&s, "end") == [.send(.seek(.last))])
        #expect(press(&s, "pgdn") == [.send(.seek(.by(10)))])
        #expect(s.selectedParameter == 0)
        _ = press(&s, "down")  // ↓ still selects the parameter
        #expect(s.selectedParameter == 1)
        #expect(press(&s, ">") == [.send(.setSpeed(stepsPerSecond: nil))])  // a play speed is not saved
        for (key, why) in [("i", "a recorded run cannot be re-initialised"), ("n", "a recorded run cannot be stepped"),
                           ("+", "a recorded run cannot change its learning rate"), ("r", "a recorded run cannot be reset"),
                           ("s", "a recorded run cannot save a checkpoint"), ("l", "a recorded run cannot load a checkpoint")] {
            #expect(press(&s, key).isEmpty)
            #expect(s.message == why)
        }
        #expect(s.initMenu == nil)
    }

    @Test func preferencesAppliedAtStart() {
        var s = live()
        let preferences = Preferences(theme: "light", smoothing: 0.5, logScale: true, speedLimit: 10)
        #expect(reduce(&s, .applyPreferences(preferences)) == [.send(.setSpeed(stepsPerSecond: 10))])
        #expect(s.smoothing == 0.5 && s.logScale && s.message == nil)
        #expect(s.themeName == "dark")  // the app picks the starting theme; the preference is kept for the next save
        #expect(reduce(&s, .key(.character("g"))) == [.savePreferences(Preferences(theme: "light", smoothing: 0.5, speedLimit: 10))])
        var r = replay()
        #expect(reduce(&r, .applyPreferences(preferences, warning: "rc line 2: bad")).isEmpty)  // no trainer speed on a replay
        #expect(r.message == "rc line 2: bad")
    }

    /// The screen line holding `text`, drawn for `state`.
    func line(containing text: String, _ state: DashboardState) -> Int? {
        DashboardView.render(state, theme: .monochrome).lines.firstIndex { $0.contains(text) }
    }

    @Test func aClickFocusesThePanelAndSelectsAGradientRow() throws {
        var s = live()
        let layout = try #require(Layout(s))
        let gradients = layout.rect(of: .gradients)
        let row = try #require(DashboardView.render(s, theme: .monochrome).lines.indices.first { y in
            y > gradients.y && DashboardView.render(s, theme: .monochrome).lines[y].dropFirst(gradients.x).hasPrefix("│3.weight")
        })
        #expect(reduce(&s, .mouse(MouseEvent(.press(.left), x: gradients.x + 3, y: row))).isEmpty)
        #expect(s.focus == .gradients)
        #expect(s.selectedParameter == 2)
        let weights = layout.rect(of: .weights)
        _ = reduce(&s, .mouse(MouseEvent(.press(.left), x: weights.x + 1, y: weights.y + 1)))
        #expect(s.focus == .weights && s.selectedParameter == 2)
        _ = reduce(&s, .mouse(MouseEvent(.press(.right), x: gradients.x + 3, y: gradients.y + 1)))
        #expect(s.focus == .weights)  // only the left button clicks
        _ = reduce(&s, .mouse(MouseEvent(.press(.left), x: 5, y: s.height - 1)))  // the status bar: nothing
        #expect(s.focus == .weights)
    }

    @Test func theWheelScrollsTheParameterOrTheTimeline() throws {
        var s = live()
        let loss = try #require(Layout(s)).rect(of: .loss)
        #expect(reduce(&s, .mouse(MouseEvent(.wheelDown, x: loss.x + 2, y: loss.y + 2))).isEmpty)
        #expect(s.selectedParameter == 1)
        var r = replay()
        #expect(reduce(&r, .mouse(MouseEvent(.wheelUp, x: loss.x + 2, y: loss.y + 2))) == [.send(.seek(.by(-1)))])
        let gradients = try #require(Layout(r)).rect(of: .gradients)
        #expect(reduce(&r, .mouse(MouseEvent(.wheelDown, x: gradients.x + 2, y: gradients.y + 2))).isEmpty)
        #expect(r.selectedParameter == 1)  // over the parameter list the wheel scrolls it
    }

    @Test func clicksAndTheWheelInMenusAndOverlays() throws {
        var s = live()
        _ = press(&s, "i")
        let xavier = try #require(line(containing: "xavier_uniform_", s))
        _ = reduce(&s, .mouse(MouseEvent(.press(.left), x: s.width / 2, y: xavier)))
        #expect(s.initMenu?.method == 2)
        let target = try #require(line(containing: "target ◂ all parameters ▸", s))
        _ = reduce(&s, .mouse(MouseEvent(.press(.left), x: s.width / 2, y: target)))
        #expect(s.initMenu?.target == 1)
        _ = reduce(&s, .mouse(MouseEvent(.wheelDown, x: 0, y: 0)))
        #expect(s.initMenu?.method == 0)  // wraps past the last method
        _ = press(&s, "esc")

        _ = reduce(&s, .checkpoints(["checkpoints/a.safetensors", "checkpoints/b.safetensors", "checkpoints/c.safetensors"]))
        let b = try #require(line(containing: "checkpoints/b.safetensors", s))
        _ = reduce(&s, .mouse(MouseEvent(.press(.left), x: s.width / 2, y: b)))
        #expect(s.loadMenu?.selected == 1)
        _ = reduce(&s, .mouse(MouseEvent(.wheelDown, x: 0, y: 0)))
        _ = reduce(&s, .mouse(MouseEvent(.wheelDown, x: 0, y: 0)))
        #expect(s.loadMenu?.selected == 2)  // stops at the end
        #expect(press(&s, "enter") == [.send(.load(path: "checkpoints/c.safetensors"))])

        _ = press(&s, "?")
        _ = reduce(&s, .mouse(MouseEvent(.wheelDown, x: 0, y: 0)))
        #expect(s.showHelp)
        _ = reduce(&s, .mouse(MouseEvent(.press(.left), x: 0, y: 0)))
        #expect(!s.showHelp)
    }

    @Test func theStatusBarShowsTheSourcesMode() {
        var s = replay(index: 11, playing: true)
        var text = DashboardView.render(s, theme: .monochrome).lines.suffix(2)
        #expect(text.first?.hasPrefix(" REPLAY 12/40 ▶  running") == true)
        #expect(text.last?.hasPrefix(" ␣ play  ←/→ seek  </> speed  tab focus") == true)
        var snapshot = s.snapshot!
        snapshot.timeline = TimelinePosition(index: 39, count: 40, playing: false, following: true, damage: "line 41: not JSON")
        snapshot.speedLimit = 5
        _ = reduce(&s, .snapshot(snapshot))
        text = DashboardView.render(s, theme: .monochrome).lines.suffix(2)
        let expected = " REPLAY 40/40 paused  stopped early: line 41: not JSON  following  5 steps/s  epoch 3/10"
        #expect(text.first.map { String($0.prefix(expected.count)) } == expected)

        var l = live()
        snapshot = l.snapshot!
        snapshot.speedLimit = 2
        _ = reduce(&l, .snapshot(snapshot))
        #expect(DashboardView.render(l, theme: .monochrome).lines[l.height - 2].hasPrefix(" RUNNING  limit 2 steps/s  epoch 3/10"))
    }

    @Test func theHelpListsOnlyWhatTheSourceOffersAndFitsSmallScreens() {
        var s = replay()
        _ = press(&s, "?")
        let help = DashboardView.render(s, theme: .monochrome).text
        #expect(help.contains("play / pause the replay") && help.contains("the first / last snapshot"))
        #expect(!help.contains("pause / resume training") && !help.contains("re-initialise"))
        var small = Sample.state(width: 80, height: 24)
        _ = press(&small, "?")
        let text = DashboardView.render(small, theme: .monochrome).text
        #expect(text.contains("this help") && text.contains("quit") && text.contains("pause / resume training"))
        #expect(!text.contains("write the screen as a text frame"))  // the least important line gives way
    }

    @Test func newKeyNamesRoundTrip() {
        for key: Key in [.home, .end, .pageUp, .pageDown] { #expect(Key(name: key.name) == key) }
        #expect(Key(name: "pgup") == .pageUp && Key(name: "PgDn") == .pageDown)
    }
}
