import Dashboard
import Testing

/// The preferences file's text: render, parse, and what damaged lines do.
@Suite struct PreferencesTests {
    @Test func renderedPreferencesParseBack() {
        let cases = [Preferences(), Preferences(theme: "high-contrast", smoothing: 0.95, logScale: true, speedLimit: 2),
                     Preferences(theme: "/tmp/my theme.json", smoothing: 0, speedLimit: 0.5)]
        for preferences in cases {
            let (parsed, warnings) = Preferences.parse(preferences.render(), source: "rc")
            #expect(parsed == preferences)
            #expect(warnings.isEmpty)
        }
        #expect(Preferences(theme: "dark", speedLimit: 5).render() == """
            # TensorTop preferences, written when they change (key=value; unknown keys are ignored)
            theme=dark
            smoothing=0.9
            log_scale=false
            speed_limit=5

            """)
    }

    @Test func unknownKeysCommentsBlanksAndWindowsLineEndsAreFine() {
        let text = "# mine\r\n\r\n  theme = light  \r\nfuture_key=1\r\nlog_scale=yes\r\nspeed_limit=unlimited\r\n"
        let (parsed, warnings) = Preferences.parse(text, source: "rc")
        #expect(parsed == Preferences(theme: "light", logScale: true))
        #expect(warnings.isEmpty)
    }

    @Test func badLinesKeepTheDefaultsAndSayWhere() {
        let text = """
            smoothing=1.5
            smoothing=inf
            log_scale=maybe
            speed_limit=1e400
            speed_limit=0
            theme=
            theme=\u{1B}[31mred
            just words
            smoothing=0.5
            """
        let (parsed, warnings) = Preferences.parse(text, source: "rc")
        #expect(parsed == Preferences(smoothing: 0.5))
        #expect(warnings.count == 8)
        #expect(warnings[0] == "rc line 1: smoothing=1.5 is not a number from 0 to 0.99; using 0.9")
        #expect(warnings[2] == "rc line 3: log_scale=maybe is not true or false; using false")
        #expect(warnings[7] == "rc line 8: 'just words' is not key=value; skipped")
        #expect(!warnings.joined().contains("\u{1B}"))  // control characters never reach the screen raw
        #expect(Preferences.summary(warnings) == warnings[0] + " (and 7 more)")
        #expect(Preferences.summary([]) == nil)
    }

    @Test func hugeAndHostileInputNeverTraps() {
        let long = String(repeating: "x", count: 5000)
        let text = "theme=\(long)\nsmoothing=\(long)\n=\n==\n\u{0}=\u{0}\nspeed_limit=-0\nsmoothing=-0\n"
        let (parsed, warnings) = Preferences.parse(text, source: "rc")
        #expect(parsed.theme == nil && parsed.smoothing == 0)
        #expect(warnings.allSatisfy { $0.count < 300 })
    }
}
