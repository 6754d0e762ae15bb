import App
import Dashboard
import Foundation
import TensorBoard

/// Issue 15's scale figure: how long a large TensorBoard log takes to load, and the memory it takes.
///
/// Writes a log of about `megabytes` MB with a training run's mix (each step 4 scalars; every
/// 10 steps 8 histograms of 60 buckets; every 100 steps a 10 KB image), then loads it with
/// `tensortop board`'s app in a child process (so the peak resident memory is the load's alone),
/// drawing a 120×40 frame after every poll as the terminal does: the time to the first screen
/// with data, and to the whole log read.
enum TensorBoardBench {
    /// The flag that makes this binary only load a log folder and report.
    static let loadOnlyFlag = "--measure-tensorboard-load"

    /// Loads the folder after `loadOnlyFlag` as the board does and prints the seconds to the
    /// first screen with data, the seconds to the whole log, and the peak RSS (MB).
    static func measureLoadInThisProcess() {
        guard let index = CommandLine.arguments.firstIndex(of: loadOnlyFlag), index + 1 < CommandLine.arguments.count else {
            print("error no folder")
            return
        }
        let start = Stopwatch.now()
        do {
            let logs = try LogDirectory(path: CommandLine.arguments[index + 1])
            let app = BoardApp(directory: logs, folder: "logs", catalog: ThemeCatalog(), initialTheme: "mono", size: (120, 40),
                               colorsAvailable: false)
            var firstScreen: Double?
            repeat {
                app.poll(force: true)
                let frame = app.frame()
                if firstScreen == nil, !app.state.data.scalars.isEmpty, frame.text.contains("loss/train") { firstScreen = Stopwatch.now() - start }
            } while !app.isCaughtUp
            let whole = Stopwatch.now() - start
            print("\(fixed(firstScreen ?? whole, 3)) \(fixed(whole, 3)) \(DataBench.peakResidentMegabytes())")
        } catch {
            print("error \(error)")
        }
    }

    /// Writes the log, loads it in a child process, and adds a row.
    static func load(megabytes: Int, into report: inout Report) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tt-tb-bench-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let written: Int
        do {
            written = try writeLog(in: folder.appendingPathComponent("run"), bytes: megabytes << 20)
        } catch {
            report.add("TensorBoard log", "cannot write: \(error)", "")
            return
        }
        let parts: [String]
        switch ChildMeasurement.run([loadOnlyFlag, folder.path]) {
        case .failure(let error):
            report.add("TensorBoard log", error.message, "")
            return
        case .success(let words):
            parts = words
        }
        guard parts.count == 3, let seconds = Double(parts[1]) else {
            report.add("TensorBoard log", parts.joined(separator: " "), "")
            return
        }
        let mb = Double(written) / 1_048_576
        report.add("tensortop board on a \(fixed(mb, 0)) MB TensorBoard log: first screen",
                   "\(parts[0]) s (target: 1 GB usable < 5 s)", "")
        report.add("  ... the whole log read (a frame drawn every 32 MB)",
                   "\(parts[1]) s (\(fixed(mb / seconds, 0)) MB/s)", "\(parts[2]) MB peak RSS")
    }

    /// Writes about `bytes` of events into a new file in `folder`; returns the bytes written.
    static func writeLog(in folder: URL, bytes: Int) throws -> Int {
        let writer = try EventFileWriter(folder: folder.path, wallTime: 1_700_000_000)
        var generator = SplitMix64(seed: 1)
        let image = EncodedImage(width: 64, height: 64, bytes: Data((0..<10_240).map { _ in UInt8(truncatingIfNeeded: generator.next()) }))
        var step: Int64 = 0
        var total = 0
        while total < bytes {
            step += 1
            let time = 1_700_000_000 + Double(step) * 0.05
            var events = ["loss/train", "lr", "grad_norm", "samples_per_s"].map {
                EventEncoding.scalar(tag: $0, step: step, wallTime: time, value: Float(generator.next() % 1000) / 1000)
            }
            if step % 10 == 0 {
                for layer in 0..<8 {
                    let counts = (0..<60).map { _ in Double(generator.next() % 500) }
                    events.append(EventEncoding.histogram(tag: "weights/\(layer).weight", step: step, wallTime: time, BoardHistogram(
                        minimum: -1, maximum: 1, count: counts.reduce(0, +), sum: 0,
                        limits: (1...60).map { -1 + Double($0) / 30 }, counts: counts)))
                }
            }
            if step % 100 == 0 {
                events.append(EventEncoding.image(tag: "batch", step: step, wallTime: time, image, channels: 1))
            }
            for event in events {
                writer.append(event)
                total += event.count + TFRecordScanner.headerCount + TFRecordScanner.footerCount
            }
            if step % 1000 == 0 { try writer.flush() }
        }
        try writer.flush()
        return total
    }
}
