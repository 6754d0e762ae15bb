import Crypto
import FileWriting
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// Fetches the four Fashion-MNIST files from a mirror and checks each against its MD5.
///
/// Each file goes to a temporary name and is renamed into place only after its checksum
/// matched, so an interrupted or corrupted download never leaves a half-written file.
public struct FashionMNISTDownload: Sendable {
    /// Zalando's own mirror (the one torchvision uses).
    public static let defaultMirror = URL(string: "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")!

    /// The MD5 of each official `.gz` file.
    public static let officialChecksums = [
        "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
        "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
        "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
    ]

    public let mirror: URL
    public let checksums: [String: String]
    public let timeout: TimeInterval

    public init(mirror: URL = defaultMirror, checksums: [String: String] = officialChecksums, timeout: TimeInterval = 60) {
        self.mirror = mirror
        self.checksums = checksums
        self.timeout = timeout
    }

    /// Downloads every file `folder` does not have yet; returns the names fetched.
    @discardableResult
    public func fetch(into folder: URL, progress: (String) -> Void = { _ in }) throws -> [String] {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw DatasetError(folder.path, "cannot create the folder (\(error.localizedDescription))")
        }
        var fetched: [String] = []
        for name in FashionMNISTFiles.all.map({ $0 + ".gz" }) {
            let target = folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: target.path) { continue }
            let source = mirror.appendingPathComponent(name)
            progress("downloading \(source.absoluteString)")
            let data = try get(source)
            let digest = Insecure.MD5.hash(data: data).map { String(format: "%02x", $0) }.joined()
            if let expected = checksums[name], digest != expected {
                throw DatasetError(source.absoluteString, "checksum mismatch: MD5 \(digest), expected \(expected); nothing was written",
                                   hint: "The mirror may serve a different file; try another with --mirror URL.")
            }
            do {
                try AtomicFile.write(data, to: target)
            } catch let error as FileWriteError {
                throw DatasetError(error.path, error.problem)
            }
            fetched.append(name)
        }
        return fetched
    }

    /// The body of a successful GET, or an error naming the URL.
    private func get(_ url: URL) throws -> Data {
        let outcome = Mutex<Result<Data, DatasetError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        var request = URLRequest(url: url)
        request.timeoutInterval = timeout
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            let result: Result<Data, DatasetError>
            if let error {
                result = .failure(DatasetError(url.absoluteString, "download failed (\(error.localizedDescription))",
                                               hint: "Check the network or use another mirror with --mirror URL."))
            } else if let http = response as? HTTPURLResponse, http.statusCode != 200 {
                result = .failure(DatasetError(url.absoluteString, "the server answered HTTP \(http.statusCode)"))
            } else {
                result = .success(data ?? Data())
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        task.resume()
        done.wait()
        return try outcome.withLock { $0! }.get()
    }
}
