import Foundation

/// How many records of each kind a tag keeps (TensorBoard's defaults; 0 keeps everything).
public struct SamplingLimits: Equatable, Sendable {
    public var scalars = 1000, histograms = 500, images = 10, texts = 100

    public init(scalars: Int = 1000, histograms: Int = 500, images: Int = 10, texts: Int = 100) {
        (self.scalars, self.histograms, self.images, self.texts) = (scalars, histograms, images, texts)
    }

    func capacity(for value: BoardValue) -> Int {
        switch value {
        case .scalar: scalars
        case .histogram: histograms
        case .image: images
        case .text: texts
        }
    }
}

/// One run: the records of every event file in one folder, sampled per tag.
public struct BoardRun: Sendable {
    /// The folder's path relative to the log directory ("." for the log directory itself).
    public let name: String
    /// Each tag's kept records, in step order.
    public private(set) var tags: [String: Reservoir<BoardRecord>] = [:]
    /// Values of kinds TensorTop does not show.
    public internal(set) var skippedValues = 0

    init(name: String) { self.name = name }

    mutating func add(_ record: BoardRecord, limits: SamplingLimits) {
        tags[record.tag, default: Reservoir(capacity: limits.capacity(for: record.value))]
            .add(record, step: record.step) { $0.step }
    }

    /// The kept records of `tag`, oldest first.
    public func records(_ tag: String) -> [BoardRecord] { tags[tag]?.items ?? [] }
}

/// A TensorBoard log directory, read and followed: every folder with event files is a run.
///
/// `poll()` finds new runs and event files and reads what was appended since the last poll.
/// Event files of a run are read in name order (their names start with the time they were
/// created). Memory is bounded by `SamplingLimits` per tag.
public final class LogDirectory {
    public let root: URL
    public let limits: SamplingLimits
    /// Runs by name, in name order.
    public private(set) var runs: [String: BoardRun] = [:]
    private var readers: [String: EventFileReader] = [:]  // by file path
    /// Files that could not be read at the last poll, with the reason (reported again only when it changes).
    private var unreadable: [String: String] = [:]

    /// What one poll found.
    public struct Update: Sendable {
        /// Records read in this poll.
        public var records = 0
        /// Runs seen for the first time.
        public var newRuns: [String] = []
        /// Damage found (reported once: the bytes are skipped).
        public var problems: [EventFileProblem] = []
        /// Files whose end is an unfinished record (waiting for the writer): where that record
        /// starts and how many bytes of it there are, by file.
        public var pendingTails: [String: (offset: Int, bytes: Int)] = [:]
        /// The files of `pendingTails`, in name order.
        public var pendingFiles: [String] { pendingTails.keys.sorted() }
        /// Runs whose folder no longer has event files (dropped), and runs read again from the
        /// start because one of their files was replaced by a shorter one.
        public var removedRuns: [String] = []
        public var restartedRuns: [String] = []
        /// Bytes not read yet because the poll's budget ran out: the next poll goes on.
        public var unreadBytes = 0
        /// Bytes of event files read so far, in all polls (whole records and skipped damage).
        public var bytesRead = 0
        /// Whether everything written so far has been read (no budget left anything over).
        public var caughtUp: Bool { unreadBytes == 0 && restartedRuns.isEmpty }
    }

    /// A log directory at `path`.
    /// - Throws: `LogDirectoryError` when it does not exist or is not a folder.
    public init(path: String, limits: SamplingLimits = SamplingLimits()) throws(LogDirectoryError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw LogDirectoryError("\(path): no such folder; give the folder your SummaryWriter logs to (its log_dir, e.g. runs/)")
        }
        guard isFolder.boolValue else {
            throw LogDirectoryError("\(path) is a file; give the folder that holds the event files (events.out.tfevents.*)")
        }
        root = URL(fileURLWithPath: path).standardizedFileURL
        self.limits = limits
    }

    /// Run names in order.
    public var runNames: [String] { runs.keys.sorted() }

    /// Finds new runs and files and reads what was appended since the last poll: everything,
    /// or about `byteBudget` bytes (then `Update.unreadBytes` > 0 and the next poll goes on), so
    /// a screen can be drawn between parts of a large log.
    public func poll(byteBudget: Int = .max) -> Update {
        var update = Update()
        var budget = byteBudget
        let found = eventFiles()
        // Runs whose files are gone are dropped with their readers.
        let present = Set(found.map(\.run))
        for run in runs.keys.sorted() where !present.contains(run) {
            runs[run] = nil
            update.removedRuns.append(run)
        }
        let presentFiles = Set(found.flatMap(\.files))
        for file in readers.keys where !presentFiles.contains(file) { readers[file] = nil }
        var restarted: Set<String> = []
        for (run, files) in found {
            if runs[run] == nil {
                runs[run] = BoardRun(name: run)
                update.newRuns.append(run)
            }
            for file in files {
                let reader = readers[file] ?? EventFileReader(path: file)
                readers[file] = reader
                guard budget > 0 else {
                    update.unreadBytes += max(0, Self.size(of: file) - reader.offset)
                    continue
                }
                // Taken out of the dictionary while records go in, so its storage is not copied.
                var boardRun = runs.removeValue(forKey: run) ?? BoardRun(name: run)
                defer { runs[run] = boardRun }
                let before = reader.offset
                do {
                    let limits = limits
                    var count = 0
                    let batch = try reader.readNew(maxBytes: budget) { record in
                        boardRun.add(record, limits: limits)
                        count += 1
                    }
                    unreadable[file] = nil
                    boardRun.skippedValues += batch.skippedValues
                    update.records += count
                    update.problems += batch.problems
                    update.unreadBytes += batch.unreadBytes
                    if batch.pendingBytes > 0 {
                        update.pendingTails[file] = (reader.offset, batch.pendingBytes)
                    }
                    if batch.restarted { restarted.insert(run) }
                } catch {
                    let reason = "cannot be read: \(error.localizedDescription)"
                    if unreadable[file] != reason {
                        unreadable[file] = reason
                        update.problems.append(EventFileProblem(path: file, offset: reader.offset, message: reason))
                    }
                }
                budget -= max(0, reader.offset - before)
            }
        }
        // A replaced file's old records are mixed with its new ones: the run is read again from
        // the start (its data goes now; the next poll reads every file of it anew).
        for run in restarted.sorted() {
            runs[run] = BoardRun(name: run)
            for file in found.first(where: { $0.run == run })?.files ?? [] { readers[file] = nil }
            update.restartedRuns.append(run)
        }
        update.bytesRead = readers.values.reduce(0) { $0 + $1.offset }
        return update
    }

    /// A file's size in bytes (0 when it cannot be read).
    static func size(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Event files by run (relative folder path), each run's files in name order.
    func eventFiles() -> [(run: String, files: [String])] {
        var found: [String: [String]] = [:]
        let rootPath = root.path
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                          options: [.skipsHiddenFiles]) else { return [] }
        for case let url as URL in walker where url.lastPathComponent.contains("tfevents") {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let folder = url.deletingLastPathComponent().standardizedFileURL.path
            var name = folder.hasPrefix(rootPath) ? String(folder.dropFirst(rootPath.count)) : folder
            while name.hasPrefix("/") { name.removeFirst() }
            found[name.isEmpty ? "." : name, default: []].append(url.standardizedFileURL.path)
        }
        return found.keys.sorted().map { ($0, found[$0]!.sorted()) }
    }
}

/// Why a log directory cannot be read, in words for the user.
public struct LogDirectoryError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
