import Dashboard
import Telemetry
import Testing

/// The one input table: what the reducer, help, hints and menus read from it for each kind of source.
@Suite struct InputTableTests {
    /// What a recorded run can do.
    static let replay: SourceCapabilities = [.timeline, .speed, .batchImages, .gradients]

    func hintTexts(_ capabilities: SourceCapabilities) -> [String] {
        InputTable.hints(capabilities: capabilities).map { "\($0.hint.keys) \($0.hint.text)" }
    }

    @Test func aLiveTrainerOffersTodaysHints() {
        #expect(hintTexts(.liveTrainer) == ["␣ pause", "n step", "+/- lr", "i init", "r reset", "s save", "l load", "b branch", "tab focus",
                                            "1–6 pages", "a ascii", "t theme", "m messages", "? help", "q quit"])
    }

    @Test func aReplayOffersNoKeyThatNeedsATrainer() {
        #expect(hintTexts(Self.replay) == ["␣ play", "←/→ seek", "</> speed", "tab focus", "1–6 pages", "a ascii", "t theme",
                                           "m messages", "? help", "q quit"])
        let help = InputTable.offered(in: .page, capabilities: Self.replay).map(\.label)
        for label in ["n", "+ / -", "i", "r", "s", "l"] { #expect(!help.contains(label)) }
        for label in ["space", "← / →", "home/end", "pgup/dn", "< / >", "z", "1–6"] { #expect(help.contains(label)) }
        let live = InputTable.offered(in: .page, capabilities: .liveTrainer).map(\.label)
        for label in ["← / →", "home/end", "pgup/dn"] { #expect(!live.contains(label)) }
    }

    @Test func noTwoOfferedBindingsShareAKeyExceptTheTimelineArrows() {
        let keys: [Key] = [.up, .down, .left, .right, .home, .end, .pageUp, .pageDown, .tab, .backTab, .enter, .escape, .function(5)]
            + " +-=_<>[]123456789abcdefghijklmnopqrstuvwxyzF?".map { .character($0) }
        for scope in [InputScope.page, .initMenu, .loadMenu] {
            for capabilities in [SourceCapabilities.liveTrainer, Self.replay, SourceCapabilities.liveTrainer.union(Self.replay)] {
                for key in keys {
                    let owners = InputTable.offered(in: scope, capabilities: capabilities).filter { $0.intent(for: key) != nil }
                    let shadowed = scope == .page && capabilities.contains(.timeline) && [.left, .right].contains(key)
                    let bothSpaces = capabilities.isSuperset(of: [.pause, .timeline]) && key == .character(" ")
                    #expect(owners.count <= (shadowed || bothSpaces ? 2 : 1), "\(key) in \(scope) for \(capabilities)")
                }
            }
        }
    }

    @Test func everyLineHasHelpAndKeysAndIntentsDeclareTheirNeeds() {
        for binding in InputTable.bindings {
            #expect(!binding.help.isEmpty && !binding.label.isEmpty)
            #expect(!binding.actions.isEmpty && binding.actions.allSatisfy { !$0.keys.isEmpty })
        }
        #expect(Intent.send(.reset).needs == .reset)
        #expect(Intent.send(.seek(.last)).needs == .timeline)
        #expect(Intent.openInitMenu.needs == .reinitialize)
        #expect(Intent.showHelp.needs == [])
    }

    @Test func refusalsSayWhatTheSourceCannotDo() {
        #expect(InputTable.lookup(.character("i"), in: .page, capabilities: Self.replay) == .unavailable(missing: .reinitialize))
        #expect(InputTable.refusal(missing: .reinitialize, capabilities: Self.replay) == "a recorded run cannot be re-initialised")
        #expect(InputTable.refusal(missing: .timeline, capabilities: .liveTrainer) == "this source has no timeline to move through")
        #expect(InputTable.lookup(.character("x"), in: .page, capabilities: .liveTrainer) == .unbound)
    }
}
