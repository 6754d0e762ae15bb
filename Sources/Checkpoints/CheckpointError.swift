/// A checkpoint file that cannot be read or written, naming the file and what is wrong.
public struct CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file concerned.
    public let path: String
    /// What is wrong, and what to do where there is something to do.
    public let problem: String

    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
