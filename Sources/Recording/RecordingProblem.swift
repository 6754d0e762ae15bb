/// What is wrong with a recording: a record whose frame was whole but decodes to something
/// impossible, or (naming the file) a recording that cannot be replayed at all.
public struct RecordingProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
