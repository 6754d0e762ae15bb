import Foundation

/// A data file or folder that cannot be used, naming it, the problem and what to do.
public struct DatasetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file or folder concerned.
    public let path: String
    /// What is wrong.
    public let problem: String
    /// What the user can do about it, if anything.
    public let hint: String?

    public init(_ path: String, _ problem: String, hint: String? = nil) {
        self.path = path
        self.problem = problem
        self.hint = hint
    }

    public var description: String {
        "\(path): \(problem)" + (hint.map { "\n\($0)" } ?? "")
    }
}

extension DatasetError {
    /// The whole contents of a data file, or an error naming it when it cannot be read.
    static func contents(of url: URL) throws -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: url))
        } catch {
            throw DatasetError(url.path, "cannot read the file (\(error.localizedDescription))")
        }
    }
}
