import Telemetry

/// What `tensortop board` shows of a TensorBoard log directory, as plain values: the app reads
/// the event files and converts; the board draws only these.
public struct BoardData: Sendable, Equatable {
    /// Run names in order: a run's colour is its place here.
    public var runs: [String] = []
    /// Scalar tags: each run's points, in run order.
    public var scalars: [String: [BoardSeries<BoardPoint>]] = [:]
    /// Histogram tags: each run's histograms over time.
    public var histograms: [String: [BoardSeries<BoardDistribution>]] = [:]
    /// Image tags: each run's images over time.
    public var images: [String: [BoardSeries<BoardPicture>]] = [:]

    public init(runs: [String] = [], scalars: [String: [BoardSeries<BoardPoint>]] = [:],
                histograms: [String: [BoardSeries<BoardDistribution>]] = [:], images: [String: [BoardSeries<BoardPicture>]] = [:]) {
        (self.runs, self.scalars, self.histograms, self.images) = (runs, scalars, histograms, images)
    }

    /// The place of `run` in `runs` (its colour), 0 if unknown.
    public func runIndex(_ run: String) -> Int { runs.firstIndex(of: run) ?? 0 }
}

/// One run's values of one tag, oldest first.
public struct BoardSeries<Element: Sendable & Equatable>: Sendable, Equatable {
    public var run: String
    public var items: [Element]

    public init(run: String, items: [Element]) {
        self.run = run
        self.items = items
    }
}

/// A scalar at a step.
public struct BoardPoint: Sendable, Equatable {
    public var step: Int
    /// Seconds since the Unix epoch.
    public var wallTime: Double
    public var value: Double

    public init(step: Int, wallTime: Double, value: Double) {
        (self.step, self.wallTime, self.value) = (step, wallTime, value)
    }
}

/// A histogram at a step: how many values fell in each bucket.
public struct BoardDistribution: Sendable, Equatable {
    /// One bucket: `count` values in (`low`, `high`].
    public struct Bucket: Sendable, Equatable {
        public var low: Double, high: Double, count: Double
        public init(low: Double, high: Double, count: Double) { (self.low, self.high, self.count) = (low, high, count) }
    }

    public var step: Int
    public var wallTime: Double
    public var buckets: [Bucket]

    public init(step: Int, wallTime: Double, buckets: [Bucket]) {
        (self.step, self.wallTime, self.buckets) = (step, wallTime, buckets)
    }

    /// The smallest low and largest high edge among finite buckets that hold values.
    public var range: (low: Double, high: Double)? {
        let used = buckets.filter { $0.count > 0 && $0.low.isFinite && $0.high.isFinite }
        guard let low = used.map(\.low).min(), let high = used.map(\.high).max() else { return nil }
        return (low, high)
    }
}

/// An image at a step: decoded pixels (one image as a `BatchPreview`), or why it cannot be shown.
public struct BoardPicture: Sendable, Equatable {
    public var step: Int
    public var wallTime: Double
    /// The image, nil when it could not be decoded.
    public var image: BatchPreview?
    /// Why the image is missing (a damaged PNG), for the card.
    public var problem: String?

    public init(step: Int, wallTime: Double, image: BatchPreview?, problem: String? = nil) {
        (self.step, self.wallTime, self.image, self.problem) = (step, wallTime, image, problem)
    }
}

/// How far reading the log directory has got, for the status line.
public struct BoardProgress: Sendable, Equatable {
    /// The folder as the user gave it.
    public var folder: String
    /// Bytes of event files read so far.
    public var bytesRead = 0
    /// Bytes known but not read yet (0 once caught up).
    public var unreadBytes = 0
    /// Damaged places found so far (each one is in the message log).
    public var problems = 0
    /// Files that end in an unfinished record and have not grown for a while (cut off, or a
    /// writer that stopped mid-record; each one is in the message log).
    public var unfinishedFiles = 0
    /// Whether the folder is read again for new runs and records.
    public var following = true

    public init(folder: String, bytesRead: Int = 0, unreadBytes: Int = 0, problems: Int = 0, following: Bool = true) {
        (self.folder, self.bytesRead, self.unreadBytes, self.problems, self.following) = (folder, bytesRead, unreadBytes, problems, following)
    }
}
