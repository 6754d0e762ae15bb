/// Reads records into a `RecordedRun` as bytes arrive, stopping at the first damage: a bad
/// frame, or a whole frame whose record cannot come where it is.
public struct RunLoader: Sendable {
    public private(set) var reader: RunReader
    public private(set) var run = RecordedRun()

    public init(file: String) { reader = RunReader(file: file) }

    /// Everything in `bytes`, a whole file (or what there is of it): its readable prefix.
    public static func load(_ bytes: some Collection<UInt8>, file: String) -> RunLoader {
        var loader = RunLoader(file: file)
        loader.feed(bytes)
        loader.finish()
        return loader
    }

    /// Reads the next part of the file; returns whether any record was added.
    @discardableResult
    public mutating func feed(_ bytes: some Collection<UInt8>) -> Bool {
        var added = false
        for frame in reader.feed(bytes) {
            do {
                try run.apply(frame.record)
                added = true
            } catch {
                reader.reject(at: frame.offset, error.description)
                break
            }
        }
        return added
    }

    /// The file ended: an incomplete last frame is damage.
    public mutating func finish() { reader.finish() }

    /// Where reading stopped, if at damage.
    public var damage: RecordingDamage? { reader.damage }
}
