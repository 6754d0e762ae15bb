import App
import Dashboard
import FileWriting
import Foundation
import Testing

/// The preferences file on disk, in a temporary folder given through the environment.
@Suite struct PreferencesFileTests {
    /// A fresh folder to stand for XDG_CONFIG_HOME.
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tt-prefs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func theLocationFollowsXDGThenHome() {
        #expect(PreferencesFile(environment: ["XDG_CONFIG_HOME": "/cfg", "HOME": "/home/u"]).url?.path == "/cfg/tensortop/tensortoprc")
        #expect(PreferencesFile(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/home/u"]).url?.path == "/home/u/.config/tensortop/tensortoprc")
        #expect(PreferencesFile(environment: ["HOME": "/home/u"]).url?.path == "/home/u/.config/tensortop/tensortoprc")
        #expect(PreferencesFile(environment: [:]).url == nil)
        #expect(PreferencesFile(environment: [:]).load() == (Preferences(), nil))
        #expect(throws: FileWriteError.self) { try PreferencesFile(environment: [:]).save(Preferences()) }
    }

    @Test func savedPreferencesLoadBack() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = PreferencesFile(environment: ["XDG_CONFIG_HOME": root.path])
        #expect(file.load() == (Preferences(), nil))  // no file yet: defaults, no warning
        let preferences = Preferences(theme: "okabe-ito", smoothing: 0.75, logScale: true, speedLimit: 5)
        try file.save(preferences)  // creates tensortop/
        #expect(file.load() == (preferences, nil))
        try file.save(Preferences(theme: "light"))  // replaces it
        #expect(file.load().0 == Preferences(theme: "light"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("tensortop").path)
        #expect(leftovers == ["tensortoprc"])
    }

    @Test func aDamagedOrHostileFileGivesDefaultsAndAWarning() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = PreferencesFile(environment: ["XDG_CONFIG_HOME": root.path])
        let url = try #require(file.url)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)

        try Data([0x74, 0x68, 0xFF, 0xFE, 0x3D]).write(to: url)
        var (preferences, warning) = file.load()
        #expect(preferences == Preferences())
        #expect(warning == "preferences \(url.path): is not UTF-8 text; using the defaults")

        try Data(repeating: 0x61, count: PreferencesFile.maximumSize + 1).write(to: url)
        (preferences, warning) = file.load()
        #expect(preferences == Preferences() && warning?.contains("larger than 64 KiB") == true)

        try "smoothing=nan\nlog_scale=true\nspeed_limit=-3\n".write(to: url, atomically: true, encoding: .utf8)
        (preferences, warning) = file.load()
        #expect(preferences == Preferences(logScale: true))
        #expect(warning?.hasPrefix("preferences \(url.path) line 1: smoothing=nan") == true)
        #expect(warning?.hasSuffix("(and 1 more)") == true)

        try FileManager.default.removeItem(at: url)
        #expect(mkfifo(url.path, 0o600) == 0)  // a FIFO would block a plain read
        (preferences, warning) = file.load()
        #expect(preferences == Preferences() && warning?.contains("is not a regular file") == true)

        try FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        #expect(file.load().1?.contains("is not a regular file") == true)
        #expect(throws: FileWriteError.self) { try file.save(Preferences()) }  // a folder in the way: an error, no crash
    }
}
