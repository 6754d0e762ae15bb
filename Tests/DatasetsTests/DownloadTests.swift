import Crypto
import Foundation
import Testing
import Datasets

/// Downloads served by a local HTTP server on 127.0.0.1 that the test starts itself.
@Suite(.serialized) struct DownloadTests {
    /// `python3 -m http.server` on a free loopback port, serving `folder`; stopped on deinit.
    final class LocalServer {
        let process = Process()
        let port: Int

        init(serving folder: URL) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", folder.path]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The server prints "Serving HTTP on 127.0.0.1 port N ..." once it listens.
            var text = ""
            while !text.contains("\n") {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            guard let range = text.range(of: "port "), let port = Int(text[range.upperBound...].prefix { $0.isNumber }) else {
                kill(process.processIdentifier, SIGKILL)
                throw DatasetError("python3 -m http.server", "did not report its port: \(text)")
            }
            self.port = port
        }

        var url: URL { URL(string: "http://127.0.0.1:\(port)/")! }

        deinit {
            // SIGKILL: the test runner's threads may block SIGTERM, and a child inherits that mask.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// A mirror folder with a small dataset, and the MD5 of each file.
    func mirror() -> (URL, [String: String]) {
        let folder = TestFiles.folder()
        TestFiles.writeDataset(in: folder)
        var sums: [String: String] = [:]
        for name in try! FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let data = try! Data(contentsOf: folder.appendingPathComponent(name))
            sums[name] = Insecure.MD5.hash(data: data).map { String(format: "%02x", $0) }.joined()
        }
        return (folder, sums)
    }

    @Test func downloadsVerifiesAndLoads() throws {
        let (source, sums) = mirror()
        let server = try LocalServer(serving: source)
        let target = TestFiles.folder().appendingPathComponent("data")
        let fetched = try FashionMNISTDownload(mirror: server.url, checksums: sums).fetch(into: target)
        #expect(fetched.count == 4)
        #expect(try FashionMNIST(root: target).count == 30)
        // A second run has nothing to fetch.
        #expect(try FashionMNISTDownload(mirror: server.url, checksums: sums).fetch(into: target).isEmpty)
    }

    @Test func checksumMismatchWritesNothing() throws {
        let (source, sums) = mirror()
        let server = try LocalServer(serving: source)
        var wrong = sums
        wrong["train-images-idx3-ubyte.gz"] = String(repeating: "0", count: 32)
        let target = TestFiles.folder()
        let error = #expect(throws: DatasetError.self) { try FashionMNISTDownload(mirror: server.url, checksums: wrong).fetch(into: target) }
        #expect(error?.problem.contains("checksum mismatch") == true)
        let left = try FileManager.default.contentsOfDirectory(atPath: target.path)
        #expect(!left.contains("train-images-idx3-ubyte.gz"))
        #expect(!left.contains { $0.contains(".part") })
    }

    @Test func missingFileOnTheServer() throws {
        let empty = TestFiles.folder()
        let server = try LocalServer(serving: empty)
        let error = #expect(throws: DatasetError.self) { try FashionMNISTDownload(mirror: server.url).fetch(into: TestFiles.folder()) }
        #expect(error?.problem.contains("HTTP 404") == true)
    }
}
