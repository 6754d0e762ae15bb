import Testing
@testable import Dashboard
import Telemetry

/// The reducer alone: keys become commands and state changes.
@Suite struct ReducerTests {
    func state() -> DashboardState { Sample.state(width: 120, height: 40) }

    @Test func keysSendCommands() {
        var s = state()
        #expect(reduce(&s, .key(.character(" "))) == [.send(.togglePause)])
        #expect(reduce(&s, .key(.character("n"))) == [.send(.step(1))])
        #expect(reduce(&s, .key(.character("+"))) == [.send(.scaleLearningRate(2))])
        #expect(reduce(&s, .key(.character("-"))) == [.send(.scaleLearningRate(0.5))])
        #expect(reduce(&s, .key(.character("r"))) == [.send(.reset)])
        #expect(reduce(&s, .key(.character("s"))) == [.send(.save(path: nil))])
        #expect(reduce(&s, .key(.character("l"))) == [.listCheckpoints])
        #expect(reduce(&s, .key(.character("t"))) == [.changeTheme("light"), .savePreferences(Preferences(theme: "light"))])
        #expect(reduce(&s, .key(.character("F"))) == [.writeFrame])
        #expect(reduce(&s, .key(.character("q"))) == [.quit])
    }

    @Test func viewKeysChangeOnlyTheState() {
        var s = state()
        #expect(reduce(&s, .key(.tab)).isEmpty)
        #expect(s.focus == .weights)
        _ = reduce(&s, .key(.down))
        #expect(s.selectedParameter == 1)
        _ = reduce(&s, .key(.up))
        _ = reduce(&s, .key(.up))
        #expect(s.selectedParameter == 3)  // wraps
        _ = reduce(&s, .key(.character("2")))
        #expect(s.page == .confusion)
        _ = reduce(&s, .key(.character("a")))
        #expect(s.imageMode == .ascii)
        _ = reduce(&s, .key(.character("g")))
        #expect(s.logScale)
        _ = reduce(&s, .key(.character("]")))
        #expect(s.smoothing == 0.95)
        _ = reduce(&s, .key(.character("?")))
        #expect(s.showHelp)
        _ = reduce(&s, .key(.character("x")))
        #expect(!s.showHelp)
    }

    @Test func initMenuPicksMethodAndTarget() {
        var s = state()
        _ = reduce(&s, .key(.character("i")))
        let menu = s.initMenu!
        #expect(menu.choices[1].description == "normal_(mean=0.0, std=0.01)")  // the notebook's, right after the default
        _ = reduce(&s, .key(.down))
        _ = reduce(&s, .key(.right))
        let effects = reduce(&s, .key(.enter))
        #expect(effects == [.send(.reinitialize(parameter: "1.weight", method: menu.choices[1]))])
        #expect(s.initMenu == nil)
        _ = reduce(&s, .key(.character("i")))
        #expect(reduce(&s, .key(.escape)).isEmpty)
        #expect(s.initMenu == nil)
    }

    @Test func loadMenuAndMessages() {
        var s = state()
        _ = reduce(&s, .checkpoints([]))
        #expect(s.message?.contains("no checkpoints") == true)
        _ = reduce(&s, .checkpoints(["checkpoints/b.safetensors", "checkpoints/a.safetensors"]))
        _ = reduce(&s, .key(.down))
        #expect(reduce(&s, .key(.enter)) == [.send(.load(path: "checkpoints/a.safetensors"))])
        _ = reduce(&s, .event(.refused(3, "no parameter 'x'")))
        #expect(s.message == "refused: no parameter 'x'")
        _ = reduce(&s, .event(.diverged(step: 12, loss: .nan)))
        #expect(s.message?.hasPrefix("diverged at step 12") == true)
    }

    @Test func theStepMessageEndsWithTheStep() {
        var s = state()
        var paused = s.snapshot!
        paused.state = .paused
        _ = reduce(&s, .snapshot(paused))
        #expect(reduce(&s, .key(.character("n"))) == [.send(.step(1))])
        _ = reduce(&s, .event(.applied(1, "running 1 step")))
        var running = paused
        running.state = .running
        _ = reduce(&s, .snapshot(running))
        #expect(s.message == "running 1 step")  // still stepping
        paused.step += 1
        _ = reduce(&s, .snapshot(paused))
        #expect(s.message == nil)  // the step is done: the keys are back
        #expect(s.messages.last == "running 1 step")  // and the log keeps it
    }

    @Test func theMessageLogKeepsEveryMessageAndClosesOnAnyKey() {
        var s = state()
        for i in 0..<(DashboardState.messageLogLength + 5) { s.message = "message \(i)" }
        #expect(s.messages.count == DashboardState.messageLogLength)
        #expect(s.messages.first == "message 5")
        #expect(reduce(&s, .key(.character("m"))).isEmpty)
        #expect(s.showMessages)
        #expect(reduce(&s, .key(.character(" "))).isEmpty)  // closes, sends nothing
        #expect(!s.showMessages)
    }

    @Test func stoppingARunAsksForASecondX() {
        var s = state()
        s.capabilities = [.pause, .stopRun]
        #expect(reduce(&s, .key(.character("X"))).isEmpty)
        #expect(s.message?.hasPrefix("X again stops the run") == true)
        #expect(reduce(&s, .key(.character("X"))) == [.send(.stop)])
        #expect(!s.stopArmed)
        // Another key in between keeps the run going, and only cancels.
        _ = reduce(&s, .key(.character("X")))
        #expect(reduce(&s, .key(.character(" "))).isEmpty)
        #expect(s.message == "the run goes on")
        #expect(reduce(&s, .key(.character(" "))) == [.send(.togglePause)])
        #expect(reduce(&s, .key(.character("X"))).isEmpty)
        _ = reduce(&s, .capabilities([.pause]))  // the run ended meanwhile: nothing is armed any more
        #expect(!s.stopArmed)
        _ = reduce(&s, .key(.character("X")))
        #expect(s.message == "this source cannot be stopped from the dashboard")
    }

    @Test func aTooSmallTerminalTakesOnlyQuit() {
        var s = Sample.state(width: 70, height: 20)
        #expect(reduce(&s, .key(.character(" "))).isEmpty)
        #expect(reduce(&s, .key(.character("r"))).isEmpty)
        #expect(reduce(&s, .key(.character("q"))) == [.quit])
        #expect(DashboardView.render(s, theme: .monochrome).text.contains("q quits"))
    }

    @Test func aLongNameEqualsValueWrapsAfterTheEqualsSign() {
        let token = String(repeating: "9d", count: 16)
        let lines = Overlays.wrap("start it with TENSORTOP_ATTACH=tcp:127.0.0.1:4000 TENSORTOP_TOKEN=\(token)", width: 40, indent: "  ")
        #expect(lines.contains("  \(token)"), "\(lines)")
        #expect(lines.allSatisfy { $0.count <= 40 }, "\(lines)")
        #expect(Overlays.wrap("abc=" + String(repeating: "x", count: 50), width: 20, indent: "") .allSatisfy { $0.count <= 20 })
    }

    @Test func theSourcesNoticeFillsTheEmptyLossChart() {
        var s = DashboardState(width: 120, height: 40)
        let waiting = "waiting for a run: start it with TENSORTOP_ATTACH=tcp:127.0.0.1:40000 TENSORTOP_TOKEN=" + String(repeating: "ab", count: 16)
        _ = reduce(&s, .event(.notice(waiting)))
        #expect(s.message == waiting)  // a notice is no warning
        let text = DashboardView.render(s, theme: .monochrome).text
        #expect(text.contains("TENSORTOP_TOKEN=" + String(repeating: "ab", count: 16)))  // whole, on its own line
        _ = reduce(&s, .losses([LossPoint(step: 1, loss: 2, segment: 0)]))
        let panels = DashboardView.render(s, theme: .monochrome).text.split(separator: "\n").dropLast(2)
        #expect(!panels.contains { $0.contains("TENSORTOP_") })  // the chart has points; only the status line says it
    }

    @Test func theMessageLogLosesNoCharacterAtTheRightEdge() {
        var s = state()
        s.message = String(repeating: "§", count: 300) + " end"
        _ = reduce(&s, .key(.character("m")))
        // Above the status bar's two lines (which show the message cut short).
        let text = DashboardView.render(s, theme: .monochrome).text.split(separator: "\n").dropLast(2).joined()
        #expect(text.filter { $0 == "§" }.count == 300)
        #expect(text.contains("end"))
    }

    @Test func lossesAccumulateAndSmoothingIsBiasCorrected() {
        var s = DashboardState(width: 80, height: 24)
        _ = reduce(&s, .losses([LossPoint(step: 1, loss: 2, segment: 0)]))
        _ = reduce(&s, .losses([LossPoint(step: 2, loss: 2, segment: 0)]))
        #expect(s.losses.count == 2)
        let buffer = DashboardView.render(s, theme: .monochrome)
        #expect(buffer.text.contains("now 2.0000"))  // the first smoothed value equals the data, thanks to bias correction
    }

    @Test func keyNamesRoundTrip() {
        for key: Key in [.character(" "), .character("+"), .tab, .escape, .enter, .up, .function(5), .character("?")] {
            #expect(Key(name: key.name) == key)
        }
    }
}
