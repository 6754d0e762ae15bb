import Foundation
import Testing
import Dashboard
import Telemetry

/// The screen stays readable at every size and with any numbers: no number is cut, no
/// histogram is drawn as a comb, hostile values do not trap, and every theme's text has contrast.
@Suite struct ReadabilityTests {
    /// Where a screen's text shows a number cut by … (`2.2e…`, `0.3…`, `-…`), or nil.
    static func cutNumber(in text: String) -> String? {
        for line in text.split(separator: "\n") {
            let characters = Array(line)
            for (i, c) in characters.enumerated() where c == "…" && i > 0 {
                let before = characters[i - 1]
                let exponentCut = before == "e" && i > 1 && characters[i - 2].isNumber
                if before.isNumber || ".+-".contains(before) || exponentCut { return String(line) }
            }
        }
        return nil
    }

    /// Where a screen's text shows histogram bars with a one-column hole between them (a comb), or nil.
    static func comb(in text: String) -> String? {
        let bars = Set("▁▂▃▄▅▆▇█")
        for line in text.split(separator: "\n") {
            let characters = Array(line)
            for i in 1..<max(1, characters.count - 1)
            where characters[i] == " " && bars.contains(characters[i - 1]) && bars.contains(characters[i + 1]) {
                return String(line)
            }
        }
        return nil
    }

    @Test func noGoldenScreenCutsANumberOrDrawsAComb() throws {
        let folder = try #require(Bundle.module.url(forResource: "Golden", withExtension: nil))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix("styles-") }.sorted()
        #expect(names.count >= 10)
        for name in names {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            #expect(Self.cutNumber(in: text) == nil, "\(name): a number is cut: \(Self.cutNumber(in: text) ?? "")")
            #expect(Self.comb(in: text) == nil, "\(name): a histogram comb: \(Self.comb(in: text) ?? "")")
        }
    }

    @Test func theScansFindWhatTheyLookFor() {
        #expect(Self.cutNumber(in: "│1.weight   0.29 -1.4e… │") != nil)
        #expect(Self.cutNumber(in: "now 0.3211  test 0.2…") != nil)
        #expect(Self.cutNumber(in: "waiting for the first step…") == nil)
        #expect(Self.comb(in: "│████ ███ ███ ████│") != nil)
        #expect(Self.comb(in: "│▁▂▄████▄▂▁   ▁▂│") == nil)
    }

    /// A snapshot full of the numbers training can produce when it goes wrong.
    static func hostileState(width: Int, height: Int) -> DashboardState {
        var snapshot = Sample.snapshot()
        let wild: [Double] = [.nan, .infinity, -.infinity, 1e38, -1e38, 1e300]
        for i in snapshot.parameters.indices {
            let v = wild[i % wild.count]
            snapshot.parameters[i].values = Histogram(counts: [5, 0, 7], low: v, high: -v, below: Int.max, above: -3, count: 15,
                                                      mean: v, std: v, min: -v, max: v)
            snapshot.parameters[i].gradient = GradientStats(l2Norm: v, mean: -v, std: v, maxAbs: v, zeroFraction: v, updateRatio: v)
            snapshot.parameters[i].normHistory = wild
            snapshot.parameters[i].gradientTiles = (0..<784).map { Float(wild[$0 % wild.count]) }
            snapshot.parameters[i].initialization?.spread = i % 2 == 0 ? .normal(mean: 0, std: 1e19) : .uniform(low: -.infinity, high: .nan)
            // What `--init normal:std=1e19` shows: long means in narrow histograms.
            snapshot.parameters[i].initialization?.before.mean = -7.71e-5
            snapshot.parameters[i].initialization?.after = Histogram(counts: [1, 2, 3], low: -3e19, high: 3e19, below: 0, above: 0, count: 6,
                                                                      mean: -3.05e17, std: 1e19, min: -4e19, max: 4e19)
        }
        snapshot.samplesPerSecond = 1e-300
        // Counts as large as Int goes: --epochs as typed, a step counter from a recording.
        snapshot.totalEpochs = .max
        snapshot.stepsPerEpoch = .max / 3
        snapshot.step = .max
        snapshot.epochResults[1].confusion[2][2] = .max
        snapshot.learningRate = .infinity
        snapshot.batch?.confidences = wild + wild + wild
        snapshot.epochResults[0].testLoss = .nan
        snapshot.epochResults[1].testAccuracy = .infinity
        snapshot.epochResults[1].perClassAccuracy = wild + wild
        snapshot.epochResults[1].confusion[0][1] = -5
        var state = DashboardState(width: width, height: height)
        _ = reduce(&state, .snapshot(snapshot))
        _ = reduce(&state, .losses([LossPoint(step: .min, loss: 1, segment: 0)] + wild.enumerated().map { LossPoint(step: $0.offset + 1, loss: $0.element, segment: 0) }
                                   + [LossPoint(step: .max, loss: 2, segment: 0)]))
        return state
    }

    @Test(arguments: Sample.sizes)
    func hostileNumbersDrawWithoutTrappingOrCutting(width: Int, height: Int) throws {
        var state = Self.hostileState(width: width, height: height)
        for keys in [[], ["2"], ["1", "a", "g"], ["m"]] {
            for key in keys { _ = reduce(&state, .key(Key(name: key)!)) }
            let text = DashboardView.render(state, theme: .monochrome).text
            #expect(Self.cutNumber(in: text) == nil, "\(width)x\(height) \(keys): \(Self.cutNumber(in: text) ?? "")")
        }
        state.colorsAvailable = true
        _ = DashboardView.render(state, theme: .monochrome)
    }

    @Test func numbersAreRoundedBeforeTheyAreShortened() throws {
        var snapshot = Sample.snapshot()
        snapshot.parameters[0].gradient = GradientStats(l2Norm: 9.996e-5, mean: -9.96e-10, std: 0, maxAbs: 0.00296,
                                                        zeroFraction: 0.15, updateRatio: 0.00296)
        var state = DashboardState(width: 200, height: 60)
        _ = reduce(&state, .snapshot(snapshot))
        let row = try #require(DashboardView.render(state, theme: .monochrome).text.split(separator: "\n").first { $0.contains("1.weight [256×784]") && $0.contains("%") })
        #expect(row.contains("1.00e-4") && row.contains("-1.0e-9"), "\(row)")
        #expect(!row.contains("10.0e") && !row.contains("10e-"), "\(row)")
        #expect(row.contains("15% 0.00296"), "columns keep a space between them: \(row)")
    }

    @Test func lossAxisLabelsAboveAThousandAreWhole() {
        var state = DashboardState(width: 100, height: 30)
        _ = reduce(&state, .losses((1...50).map { LossPoint(step: $0, loss: 6220 - Double($0), segment: 0) }))
        let text = DashboardView.render(state, theme: .monochrome).text
        let labels = text.split(separator: "\n").map { String($0.dropFirst().prefix(6)).trimmingCharacters(in: .whitespaces) }
            .filter { Double($0) != nil }
        #expect(labels.count == 3 && labels.allSatisfy { $0.count == 4 && $0.hasPrefix("6") }, "\(labels)")
        #expect(Self.cutNumber(in: text) == nil)
    }

    @Test func theLossChartShowsTheSnapshotsMomentAndRescalesAfterAReset() {
        var state = Sample.state(width: 120, height: 40)  // the snapshot is at step 250
        _ = reduce(&state, .losses((251...260).map { LossPoint(step: $0, loss: 0.3, segment: 0) }))
        let lines = DashboardView.render(state, theme: .monochrome).lines
        #expect(lines.contains { $0.contains("step 1") && $0.contains("250│") }, "the x axis ends at the snapshot's step")
        // A reset starts segment 1 with losses a thousand times smaller: the y axis follows them.
        var reset = DashboardState(width: 120, height: 40)
        _ = reduce(&reset, .losses((1...100).map { LossPoint(step: $0, loss: 1000, segment: 0) }
                                   + (101...200).map { LossPoint(step: $0, loss: 1 + Double($0 % 3) / 10, segment: 1) }))
        let labels = DashboardView.render(reset, theme: .monochrome).lines.compactMap { Double($0.dropFirst().prefix(6).trimmingCharacters(in: .whitespaces)) }
        #expect(labels.count == 3 && labels.allSatisfy { $0 < 2 }, "\(labels)")
    }

    @Test func narrowPanelsLeaveOutPartsInsteadOfCuttingThem() throws {
        let text = DashboardView.render(Sample.state(width: 80, height: 24), theme: .monochrome).text
        #expect(text.contains("test 0.2500"), "the loss title keeps the test loss")
        #expect(text.contains("? help") && text.contains("q quit"))
        #expect(!text.contains("mea…"))
        let wide = DashboardView.render(Sample.state(width: 100, height: 30), theme: .monochrome).text
        #expect(!wide.contains("▲ >10─"))
        #expect(wide.contains("▲ >100 exploding") || !wide.contains("▲ >"))
    }

    @Test func aLongMessageCanBeReadInTheMessageLog() throws {
        var state = Sample.state(width: 80, height: 24)
        let long = "refused: model.safetensors: Unexpected key(s) in state_dict: \"4.weight\", \"4.bias\"; the model has 1.weight, 1.bias, 3.weight, 3.bias"
        _ = reduce(&state, .event(.refused(1, String(long.dropFirst("refused: ".count)))))
        let status = DashboardView.render(state, theme: .monochrome).text
        #expect(status.contains("(m: all messages)"))
        _ = reduce(&state, .key(.character("m")))
        let log = DashboardView.render(state, theme: .monochrome).text
        let joined = log.split(separator: "\n").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "│ ")) }.joined(separator: " ")
        for word in long.split(separator: " ") { #expect(joined.contains(word), "\(word) missing from the log") }
        _ = reduce(&state, .key(.character("x")))
        #expect(!state.showMessages)
    }

    @Test func aFinishedRunShowsAFullProgressBar() {
        var state = Sample.state(width: 120, height: 40)
        var snapshot = state.snapshot!
        snapshot.state = .finished
        snapshot.epoch = 10
        snapshot.stepInEpoch = 0
        _ = reduce(&state, .snapshot(snapshot))
        #expect(DashboardView.render(state, theme: .monochrome).text.contains(String(repeating: "█", count: 16)))
    }

    @Test func withoutColourTheGradientTilesStillShowTheSign() {
        var state = DashboardState(width: 120, height: 40, colorsAvailable: false)
        _ = reduce(&state, .snapshot(Sample.snapshot()))
        let text = DashboardView.render(state, theme: .monochrome).text
        #expect(text.contains("+*# > 0, -=≡ < 0") && !text.contains("red +"))
        let tile = text.split(separator: "\n").map { String($0.suffix(16)) }.joined()
        #expect(tile.contains("#") && tile.contains("≡"), "both signs drawn: \(tile)")
    }

    @Test func theKeysOverlayHidesNoTitle() {
        var state = Sample.state(width: 120, height: 40)
        state.showKeys = true
        for key in ["space", "n", "+", "i", "tab", "down"] { _ = reduce(&state, .key(Key(name: key)!)) }
        let lines = DashboardView.render(state, theme: .monochrome).lines
        #expect(lines[0].contains("Weights 1.weight"))
        #expect(lines.contains { $0.contains("keys: ") })
    }

    /// Every screen the sample can show, for one theme.
    static func screens(theme: String) -> [DashboardState] {
        var result: [DashboardState] = []
        for (width, height) in Sample.sizes {
            var state = Sample.state(width: width, height: height, theme: theme)
            state.message = "a message"
            for keys in [[], ["tab"], ["2"], ["1", "?"], ["x", "i"], ["esc", "m"]] {
                for key in keys { _ = reduce(&state, .key(Key(name: key)!)) }
                result.append(state)
            }
            state.message = nil
            result.append(state)
            state.page = .history
            result.append(state)
        }
        return result
    }

    @Test(arguments: ThemeCatalog.builtInOrder)
    func everyThemesTextHasContrast(name: String) throws {
        let theme = try ScreenTests.theme(name)
        let worst = Self.lowContrast(Self.screens(theme: name).map { DashboardView.render($0, theme: theme) }, theme: theme)
        #expect(worst.isEmpty, "\(name): text below contrast 4.5: \(worst.map { "\($0.key) (\(String(format: "%.2f", $0.value)))" }.sorted())")
    }

    /// The board's views, help and message log, in every theme: text readable, and every run
    /// colour at least 3:1 against the background (WCAG's ratio for lines and marks).
    @Test(arguments: ThemeCatalog.builtInOrder)
    func everyThemesBoardHasContrast(name: String) throws {
        let theme = try ScreenTests.theme(name)
        var buffers: [Buffer] = []
        for (width, height) in Sample.sizes {
            var state = BoardSample.state(width: width, height: height)
            state.message = "a message"
            for keys in [[], ["2"], ["h"], ["3"], ["1", "/", "l"], ["esc", "?"], ["esc", "m"]] {
                for key in keys { _ = reduceBoard(&state, .key(Key(name: key)!)) }
                buffers.append(BoardView.render(state, theme: theme))
            }
        }
        let worst = Self.lowContrast(buffers, theme: theme)
        #expect(worst.isEmpty, "\(name): text below contrast 4.5: \(worst.map { "\($0.key) (\(String(format: "%.2f", $0.value)))" }.sorted())")
        for (i, run) in theme.runs.enumerated() {
            #expect(theme.contrast(of: run) >= 3, "\(name): run colour \(i) \(run.foreground) has contrast \(theme.contrast(of: run))")
        }
    }

    /// The styles of text cells below the minimum contrast, with the lowest ratio seen.
    static func lowContrast(_ buffers: [Buffer], theme: Theme) -> [String: Double] {
        var worst: [String: Double] = [:]
        for buffer in buffers {
            for y in 0..<buffer.height {
                for x in 0..<buffer.width {
                    let cell = buffer[x, y]
                    // Text: letters, digits and punctuation (lines, bars, braille and image blocks are not text).
                    guard cell.character.isLetter || cell.character.isNumber || (cell.character.isASCII && cell.character.isPunctuation) else { continue }
                    let ratio = theme.contrast(of: cell.style)
                    if ratio < Theme.minimumTextContrast {
                        let key = "\(cell.style.foreground) on \(cell.style.background)\(cell.style.reverse ? " reversed" : "")"
                        worst[key] = min(worst[key] ?? .infinity, ratio)
                    }
                }
            }
        }
        return worst
    }
}
