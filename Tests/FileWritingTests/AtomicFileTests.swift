import Foundation
import Testing
import TestSupport
@testable import FileWriting

/// The one writer of user files: complete files only, exclusive temporary names, no
/// overwriting where asked, stale leftovers of killed runs cleaned up.
@Suite struct AtomicFileTests {
    static func folder() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tt-write-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func names(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    @Test func writeReplacesTheFileAndLeavesNothingElse() throws {
        let folder = Self.folder()
        let url = folder.appendingPathComponent("out.bin")
        try AtomicFile.write(Data("first".utf8), to: url)
        try AtomicFile.write(Data("second".utf8), to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "second")
        #expect(Self.names(folder) == ["out.bin"])
    }

    @Test func temporaryNamesAreFreshAndRecognisable() {
        let url = URL(fileURLWithPath: "/x/model.safetensors")
        let names = (0..<100).map { _ in AtomicFile.temporaryURL(for: url).lastPathComponent }
        #expect(Set(names).count == 100)
        for name in names {
            #expect(name.hasPrefix(".model.safetensors.tmp-\(getpid())-"))
            #expect(StaleTemporaryFiles.owner(ofTemporaryName: name) == getpid())
        }
        let long = URL(fileURLWithPath: "/x/" + String(repeating: "é", count: 200))
        #expect(AtomicFile.temporaryURL(for: long).lastPathComponent.utf8.count < 255)
    }

    /// A link planted where the temporary file goes is never followed: its target stays as it was.
    @Test func plantedLinkIsNeverWrittenThrough() throws {
        let folder = Self.folder()
        let victim = folder.appendingPathComponent("victim.txt")
        try Data("precious".utf8).write(to: victim)
        let planted = folder.appendingPathComponent(".out.txt.tmp")
        try FileManager.default.createSymbolicLink(at: planted, withDestinationURL: victim)
        #expect(throws: FileWriteError.self) { try AtomicFile.createExclusively(planted, Data("evil".utf8), naming: victim) }
        try AtomicFile.write(Data("new".utf8), to: folder.appendingPathComponent("out.txt"))
        #expect(try String(contentsOf: victim, encoding: .utf8) == "precious")
        #expect(try String(contentsOf: folder.appendingPathComponent("out.txt"), encoding: .utf8) == "new")
    }

    @Test func createNeverReplacesAFileOrALink() throws {
        let folder = Self.folder()
        let url = folder.appendingPathComponent("frame.txt")
        #expect(try AtomicFile.create(Data("one".utf8), at: url))
        #expect(try !AtomicFile.create(Data("two".utf8), at: url))
        #expect(try String(contentsOf: url, encoding: .utf8) == "one")
        let dangling = folder.appendingPathComponent("link.txt")
        try FileManager.default.createSymbolicLink(atPath: dangling.path, withDestinationPath: folder.appendingPathComponent("nowhere").path)
        #expect(try !AtomicFile.create(Data("three".utf8), at: dangling))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("nowhere").path))
        #expect(Self.names(folder) == ["frame.txt", "link.txt"])
    }

    @Test func failedWriteLeavesNoTemporaryFile() throws {
        let folder = Self.folder()
        let target = folder.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: target.appendingPathComponent("inside"), withIntermediateDirectories: true)
        let error = #expect(throws: FileWriteError.self) { try AtomicFile.write(Data("x".utf8), to: target) }
        #expect(error?.path == target.path)
        #expect(error?.problem.hasPrefix("cannot move the written file into place") == true)
        #expect(Self.names(folder) == ["taken"])
    }

    @Test func destinationIsCheckedBeforeAnyWork() throws {
        let folder = Self.folder()
        let missing = folder.appendingPathComponent("no/such/m.safetensors")
        let error = #expect(throws: FileWriteError.self) { try AtomicFile.prepareDestination(missing) }
        #expect(error?.description == "\(missing.path): the folder \(folder.path)/no/such does not exist; create it first or choose another path")
        let isFolder = #expect(throws: FileWriteError.self) { try AtomicFile.prepareDestination(folder) }
        #expect(isFolder?.problem == "is a folder; give a file name")
        let file = folder.appendingPathComponent("file")
        try Data().write(to: file)
        let underFile = #expect(throws: FileWriteError.self) { try AtomicFile.prepareDestination(file.appendingPathComponent("m.pth")) }
        #expect(underFile?.problem == "\(file.path) is not a folder")
        try AtomicFile.prepareDestination(folder.appendingPathComponent("ok.cast"))
        #expect(Self.names(folder) == ["file"])
    }

    @Test(.enabled(if: getuid() != 0, "root writes into read-only folders"))
    func readOnlyFolderIsRefused() throws {
        let folder = Self.folder()
        chmod(folder.path, 0o555)
        defer { chmod(folder.path, 0o755) }
        let error = #expect(throws: FileWriteError.self) { try AtomicFile.prepareDestination(folder.appendingPathComponent("m.pth")) }
        #expect(error?.problem.hasPrefix("cannot write in \(folder.path)") == true)
    }

    @Test func staleTemporaryFilesOfEndedProcessesAreRemoved() throws {
        let folder = Self.folder()
        let dead = try EndedProcess.id()
        let stale = [".m.safetensors.tmp-\(dead)-1f2e", ".0001.png.tmp-\(dead)-abc123"]
        let kept = [
            ".m.safetensors.tmp-\(getpid())-1f2e",  // a write still running (this process)
            ".m.safetensors.tmp-\(dead)-xyz",  // not a name AtomicFile makes
            ".0000.png.tmp", "m.safetensors.tmp-\(dead)-1f2e", "notes.txt",
        ]
        for name in stale + kept { try Data().write(to: folder.appendingPathComponent(name)) }
        // A dangling link with a stale name is removed (the link, never its target).
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent(".x.tmp-\(dead)-9").path, withDestinationPath: "/etc/passwd")
        let removed = StaleTemporaryFiles.remove(in: folder)
        #expect(removed.sorted() == (stale + [".x.tmp-\(dead)-9"]).sorted())
        #expect(Self.names(folder) == kept.sorted())
        #expect(FileManager.default.fileExists(atPath: "/etc/passwd"))
        // Checking a destination cleans its folder too.
        try Data().write(to: folder.appendingPathComponent(stale[0]))
        try AtomicFile.prepareDestination(folder.appendingPathComponent("m.safetensors"))
        #expect(Self.names(folder) == kept.sorted())
    }
}
