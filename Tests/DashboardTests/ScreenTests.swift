import Foundation
import Testing
import Dashboard
import Telemetry

/// Whole screens rendered into the in-memory buffer and compared as text (and styles) with golden files.
@Suite struct ScreenTests {
    static let themesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("themes")

    static func theme(_ name: String) throws -> Theme { try Theme.load(from: themesFolder.appendingPathComponent("\(name).json")) }

    @Test(arguments: Sample.sizes)
    func mainPage(width: Int, height: Int) throws {
        let buffer = DashboardView.render(Sample.state(width: width, height: height), theme: try Self.theme("dark"))
        GoldenFrames.check(buffer.text + "\n", named: "main-\(width)x\(height).txt")
    }

    @Test(arguments: ThemeCatalog.builtInOrder, Sample.sizes)
    func everyThemeStylesTheSameScreen(name: String, size: (Int, Int)) throws {
        let theme = try Self.theme(name)
        let buffer = DashboardView.render(Sample.state(width: size.0, height: size.1, theme: name), theme: theme)
        // The characters do not depend on the theme (except the name in the status bar) …
        let dark = DashboardView.render(Sample.state(width: size.0, height: size.1, theme: name), theme: try Self.theme("dark"))
        #expect(buffer.text == dark.text)
        // … the styles do, and are recorded per theme and size.
        GoldenFrames.check(GoldenFrames.styleMap(buffer) + "\n", named: "styles-\(name)-\(size.0)x\(size.1).txt")
    }

    @Test(arguments: Sample.sizes)
    func confusionPage(width: Int, height: Int) throws {
        var state = Sample.state(width: width, height: height)
        _ = reduce(&state, .key(.character("2")))
        let text = DashboardView.render(state, theme: try Self.theme("dark")).text
        GoldenFrames.check(text + "\n", named: "confusion-\(width)x\(height).txt")
        // Whole class names in the header (wrapped onto two lines where needed).
        for word in ["Pullover", "Ankle", "boot", "T-shirt/", "top", "Sneaker"] { #expect(text.contains(word)) }
    }

    @Test(arguments: Sample.sizes)
    func historyPage(width: Int, height: Int) throws {
        var state = Sample.state(width: width, height: height)
        state.page = .history
        let text = DashboardView.render(state, theme: try Self.theme("dark")).text
        GoldenFrames.check(text + "\n", named: "history-\(width)x\(height).txt")
        for title in ["Test loss", "Test accuracy", "Learning rate"] { #expect(text.contains(title)) }
    }

    /// A CIFAR-like run (RGB 3×32×32 images, other class names) and a 16×16 grey model's tiles
    /// draw on every page without a Fashion-MNIST assumption.
    @Test(arguments: [[3, 32, 32], [1, 16, 16]])
    func otherImageShapesDrawOnEveryPage(tileShape: [Int]) throws {
        var snapshot = Sample.snapshot()
        snapshot.imageShape = [3, 32, 32]
        snapshot.classNames = BatchViewTests.cifarClasses
        snapshot.batch = BatchViewTests.rgbBatch()
        let size = tileShape.reduce(1, *)
        snapshot.parameters[0].shape = [256, size]
        snapshot.parameters[0].tileShape = tileShape
        snapshot.parameters[0].gradientTiles = (0..<(2 * size)).map { Float($0 % 7) - 3 }
        for (width, height) in Sample.sizes {
            var state = DashboardState(width: width, height: height, colorsAvailable: false)
            _ = reduce(&state, .snapshot(snapshot))
            _ = reduce(&state, .losses(Sample.losses()))
            let main = DashboardView.render(state, theme: .monochrome).text
            #expect(main.contains("automobile"), "\(width)x\(height): the batch's class names")
            if height >= 30 { #expect(main.contains("1.weight.grad"), "\(width)x\(height)") }
            if width >= 200 { #expect(main.contains("tiles of units 0–1"), "\(width)x\(height)") }
            state.imageMode = .blocks
            _ = DashboardView.render(state, theme: .monochrome)
            for page in [Page.confusion, .history] {
                state.page = page
                #expect(DashboardView.render(state, theme: .monochrome).text.contains(page == .confusion ? "airplane" : "Learning rate"))
            }
        }
    }

    @Test func confusionPageHelpAndMenus() throws {
        let theme = try Self.theme("dark")
        var state = Sample.state(width: 120, height: 40)
        _ = reduce(&state, .key(.character("1")))
        _ = reduce(&state, .key(.character("?")))
        let help = DashboardView.render(state, theme: theme).text
        for (key, _) in [("space", ""), ("+ / -", ""), ("F", ""), ("q", "")] { #expect(help.contains(key)) }
        GoldenFrames.check(help + "\n", named: "help-120x40.txt")
        _ = reduce(&state, .key(.escape))
        _ = reduce(&state, .key(.character("i")))
        GoldenFrames.check(DashboardView.render(state, theme: theme).text + "\n", named: "init-menu-120x40.txt")
    }

    @Test func asciiImagesAndSmallScreens() throws {
        let theme = try Self.theme("dark")
        var state = Sample.state(width: 80, height: 24)
        _ = reduce(&state, .key(.character("a")))
        let text = DashboardView.render(state, theme: theme).text
        #expect(text.contains("ASCII"))
        #expect(!text.contains("▀▀▀"))
        _ = reduce(&state, .resize(width: 70, height: 20))
        #expect(DashboardView.render(state, theme: theme).text.contains("terminal too small: need at least 80×24, now 70×20"))
        _ = reduce(&state, .resize(width: 30, height: 10))
        #expect(DashboardView.render(state, theme: theme).text.contains("now 30×10"))
    }

    @Test func brokenThemeNamesFileAndField() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tt-theme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let broken = folder.appendingPathComponent("broken.json")
        var json = try String(contentsOf: Self.themesFolder.appendingPathComponent("dark.json"), encoding: .utf8)
        json = json.replacingOccurrences(of: "\"#ffd75f\"", with: "\"#nothex\"")
        try json.write(to: broken, atomically: true, encoding: .utf8)
        let error = #expect(throws: Theme.LoadError.self) { try Theme.load(from: broken) }
        #expect(error?.path == broken.path)
        #expect(error?.problem.contains("roles.title.fg") == true)
        let (theme, warning) = ThemeCatalog().load(broken.path)
        #expect(warning?.contains("roles.title.fg") == true)
        #expect(!theme.styles.isEmpty)
    }

    @Test func colorsFallBackToTheNearestBasicOnes() {
        #expect(TerminalColor.rgb(255, 0, 0).index8 == 1)
        #expect(TerminalColor.rgb(0, 0, 238).index8 == 4)
        #expect(TerminalColor.rgb(250, 250, 250).index8 == 7)
        #expect(TerminalColor.rgb(20, 20, 20).index8 == 0)
        #expect(TerminalColor.index(208).index8 != 0)  // orange is not black on black
        #expect(TerminalColor.rgb(0x5f, 0xd7, 0xff).index256 == 81)
    }
}
