import Foundation
import Testing
import App
import Dashboard

/// Demo scripts found by fuzzing (Fixtures/demo_*.tt): each is refused with its file and line,
/// or plays, instead of trapping or allocating without bound.
@Suite struct FuzzedScriptTests {
    static func fixture(_ name: String) -> URL {
        Bundle.module.url(forResource: name, withExtension: "tt", subdirectory: "Fixtures")!
    }

    @Test(arguments: [
        ("demo_settings_batch_1e300", ":1: batch: '1e300' is not a whole number of images (1 or more)"),
        ("demo_settings_seed_neg", ":1: seed: '-1' is not a whole number from 0 to 18446744073709551615"),
        ("demo_wait_inf", ":1: expected `wait 500ms` or `wait 2s` (at most 3600 s), got 'wait infs'"),
    ])
    func fuzzedScriptIsRefusedWithItsLine(name: String, message: String) throws {
        let url = Self.fixture(name)
        let error = #expect(throws: DemoScript.ParseError.self) { try DemoScript(contentsOf: url) }
        #expect(error?.description == "\(url.path)\(message)")
    }

    @Test func settingsAndWaitsOutOfRangeAreRefused() throws {
        let cases: [(String, String)] = [
            ("settings batch=0", "t.tt:1: batch: '0' is not a whole number of images (1 or more)"),
            ("settings batch=2.5", "t.tt:1: batch: '2.5' is not a whole number"),
            ("settings seed=1e30", "t.tt:1: seed: '1e30' is not a whole number"),
            ("settings lr=inf", "t.tt:1: lr: must be a non-negative number, got inf"),
            ("settings lr=1e300", "t.tt:1: lr: must be 0 or between 1e-12 and 1e+38, got 1e+300"),
            ("settings momentum=0.9", "t.tt:1: momentum: applies only to optimizer sgd (adam keeps its own moments), got momentum 0.9 with optimizer adam"),
            ("settings optimizer=lbfgs", "t.tt:1: optimizer: unknown optimizer 'lbfgs'"),
            ("settings model=resnet", "t.tt:1: model: unknown model 'resnet'; choose one of: softmax, mlp, mlp2, cnn, lenet (or layers)"),
            ("settings init=magic", "t.tt:1: init: unknown init method 'magic'"),
            ("settings init=dirac", "t.tt:1: init: dirac_ fills 3-, 4- or 5-D convolution weights"),
            ("settings lr=fast", "t.tt:1: lr: 'fast' is not a number"),
            ("\nwait nans", "t.tt:2: expected `wait 500ms`"),
            ("wait 3601s", "t.tt:1: expected `wait 500ms`"),
            ("wait -1ms", "t.tt:1: expected `wait 500ms`"),
        ]
        for (text, message) in cases {
            let error = #expect(throws: DemoScript.ParseError.self) { try DemoScript(text: text, file: "t.tt") }
            #expect(error?.description.hasPrefix(message) == true, "\(text): \(error?.description ?? "")")
            #expect(error?.description.contains("--") == false, "a script's error names its keys, not flags: \(error?.description ?? "")")
        }
        let quoted = #expect(throws: DemoScript.ParseError.self) { try DemoScript(text: "key \u{1B}[2J", file: "t\u{7}.tt") }
        #expect(quoted?.description.hasPrefix("t\u{2407}.tt:1: expected `key NAME`") == true)
        #expect(quoted?.description.hasSuffix("got 'key \u{241B}[2J'") == true)
        #expect(try DemoScript(text: "", file: "/x/a\u{1B}b.tt").name == "a\u{241B}b")
        let script = try? DemoScript(text: "settings batch=64 seed=18446744073709551615\nwait 3600s", file: "ok.tt")
        #expect(script?.commands.map(\.command) == [.wait(seconds: 3600)])
    }

    /// The learning-rate reproducer is a valid script (its clamping belongs to the trainer).
    @Test func learningRateReproducerParses() throws {
        let script = try DemoScript(contentsOf: Self.fixture("demo_lr_stuck_inf"))
        #expect(script.settings.values == ["optimizer": "sgd", "lr": "0.1"])
        #expect(script.commands.count == 171)
        #expect(script.commands.filter { $0.command == .key(.character("+")) }.count == 140)
    }

    /// 140 presses of `+` then `-`, `r` and steps: the script plays to its end with every frame.
    @Test(.enabled(if: DemoTests.dataInstalled, "needs Fashion-MNIST (make deps installs it)"))
    func learningRateReproducerPlays() throws {
        let script = try DemoScript(contentsOf: Self.fixture("demo_lr_stuck_inf"))
        let frames = try DemoRunner(script: script, options: DemoRunner.Options()).run()
        #expect(frames.map(\.name) == ["at135", "plus140", "div", "minus20", "afterreset", "resumed"])
        // The status bar's learning rate: clamped to a finite ceiling, lowered by `-` from there,
        // and back to the run's starting 0.1 after `r`.
        func learningRate(_ name: String) -> String? {
            guard let text = frames.first(where: { $0.name == name })?.text,
                  let match = text.firstMatch(of: /\s{2}lr (\S+)\s{2}/) else { return nil }
            return String(match.1)
        }
        #expect(learningRate("plus140") == "1.00e38")
        #expect(learningRate("minus20") == "9.54e31")
        #expect(learningRate("afterreset") == "0.1" && learningRate("resumed") == "0.1")
        #expect(frames.allSatisfy { $0.text.contains("SGD") && !$0.text.contains("lr inf") })
    }

    @Test func screenSizeIsBoundedBeforeAnythingRuns() throws {
        #expect(throws: Never.self) { try DemoRunner.checkSize(width: 1000, height: 500) }
        for (width, height) in [(100_000, 100_000), (1001, 40), (120, 501), (19, 40), (120, 9), (Int.max, Int.min)] {
            let error = #expect(throws: DemoRunner.Failure.self) { try DemoRunner.checkSize(width: width, height: height) }
            #expect(error?.description == "the screen size must be from 20x10 to 1000x500, got \(width)x\(height)")
        }
        // run() checks first: no trainer, no data and no 320 GB screen are needed to refuse it.
        var options = DemoRunner.Options()
        (options.width, options.height) = (100_000, 100_000)
        let runner = DemoRunner(script: try DemoScript(text: "steps 1", file: "t.tt"), options: options)
        #expect(throws: DemoRunner.Failure.self) { try runner.run() }
    }
}
