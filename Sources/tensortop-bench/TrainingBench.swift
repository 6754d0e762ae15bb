import App
import Dashboard
import Foundation
import Telemetry
import Training

/// The trainer issue's figures: samples/s of whole training epochs through the real engine.
enum TrainingBench {
    /// Seconds of training steps (data gather included, evaluation excluded) for one epoch.
    static func epochSeconds(model: ModelPreset, batch: Int, threads: Int, workers: Int? = nil,
                             snapshots: Bool = false, consumer: Bool = false, deterministic: Bool = false) -> Double? {
        var config = TrainingConfig()
        config.deterministic = deterministic
        config.model = model
        config.epochs = 1
        config.batchSize = batch
        config.optimizer = .sgd
        config.learningRate = 0.1
        config.threads = threads
        config.dataWorkers = workers
        config.testLimit = 1000
        config.snapshotInterval = snapshots ? 0.1 : nil
        guard let controller = try? TrainerController.start(config) else { return nil }
        let ended = consumer ? readLikeAUI(controller)
            : try? controller.waitForEvent(timeout: epochTimeout, describing: "the end of a training epoch", until: endsEpoch)
        controller.send(.stop)
        controller.join()
        guard case .epochFinished(let result)? = ended else { return nil }
        return result.seconds
    }

    /// Seconds an epoch may take before the bench gives up on it.
    static let epochTimeout = 3600.0

    /// Whether `event` ends a one-epoch run: its result, or a failure.
    static func endsEpoch(_ event: TrainerEvent) -> Bool {
        switch event {
        case .epochFinished, .failed: true
        default: false
        }
    }

    /// A UI-like reader: takes every snapshot and every loss point, as fast as it can, until the
    /// epoch ends; returns the event that ended it (nil after `epochTimeout`).
    static func readLikeAUI(_ controller: TrainerController) -> TrainerEvent? {
        let deadline = Date().addingTimeInterval(epochTimeout)
        while Date() < deadline {
            _ = controller.latestSnapshot()
            _ = controller.losses(from: 0)
            if let event = controller.waitForEvents(timeout: 0.001).first(where: endsEpoch) { return event }
        }
        return nil
    }

    /// Best samples/s of `repeats` epochs (the best run is the one least disturbed on a shared 2-core VM).
    static func samplesPerSecond(_ repeats: Int = 2, _ run: () -> Double?) -> Double? {
        let times = (0..<repeats).compactMap { _ in run() }
        return times.min().map { 60_000 / $0 }
    }

    /// The models and batches of the samples/s table.
    static let speedCases: [(name: String, model: ModelPreset, batch: Int)] = [("mlp", .mlp, 64), ("mlp", .mlp, 256), ("softmax", .softmax, 256)]

    /// The samples/s table: each case on 1 and 2 threads, each as a share of `ceiling` at its thread
    /// count, and the 1→2-thread scaling.
    static func speed(ceiling: Ceiling, into report: inout Report) {
        for (name, model, batch) in speedCases {
            var cells = ["\(name), batch \(batch)"]
            var rates: [Double?] = []
            for threads in [1, 2] {
                let rate = samplesPerSecond(3) { epochSeconds(model: model, batch: batch, threads: threads) }
                rates.append(rate)
                cells.append(rate.map { fixed($0, 0) } ?? "no data")
                cells.append(rate.map { ceiling.percent($0, widths: model.widths, threads: threads) } ?? "")
            }
            cells.append(Ceiling.scaling(rates[0], rates[1]))
            report.add(cells)
        }
    }

    /// Training with a snapshot reader versus without, and the default thread count next to a busy neighbour.
    static func overheads(into report: inout Report) {
        let quiet = samplesPerSecond(3) { epochSeconds(model: .mlp, batch: 128, threads: 1) }
        let watched = samplesPerSecond(3) { epochSeconds(model: .mlp, batch: 128, threads: 1, snapshots: true, consumer: true) }
        if let quiet, let watched {
            report.add("mlp batch 128, no snapshots", fixed(quiet, 0), "")
            report.add("mlp batch 128, snapshots every 100 ms + a reader", fixed(watched, 0),
                       fixed((1 - watched / quiet) * 100, 1) + " % slower (target ≤ 3 %)")
        }
        // Deterministic algorithms (demos, --deterministic): fixed-order products instead of BLAS.
        let fixedOrder = samplesPerSecond(1) { epochSeconds(model: .mlp, batch: 128, threads: 1, deterministic: true) }
        if let quiet, let fixedOrder {
            report.add("mlp batch 128, --deterministic (fixed-order products)", fixed(fixedOrder, 0),
                       fixed(quiet / fixedOrder, 1) + "× BLAS's step time (\(fixed(128_000 / fixedOrder, 1)) vs \(fixed(128_000 / quiet, 1)) ms a step)")
        }
        for threads in [1, 2] {
            let neighbour = BusyNeighbour()
            let rate = samplesPerSecond(1) { epochSeconds(model: .mlp, batch: 128, threads: threads) }
            neighbour.stop()
            let note = threads == 1 ? "the default"
                : rate.flatMap { rate in quiet.map { fixed(rate / $0, 2) + "× the quiet 1-thread figure (target ≥ 0.5×)" } } ?? ""
            report.add("mlp batch 128, \(threads) thread\(threads > 1 ? "s" : "") + a busy process", rate.map { fixed($0, 0) } ?? "no data", note)
        }
    }

    /// One epoch of plain SGD with snapshots every 100 ms, as the dashboard runs it.
    static func polledEpoch(batch: Int) -> TrainingConfig {
        var config = TrainingConfig()
        config.epochs = 1
        config.batchSize = batch
        config.optimizer = .sgd
        config.learningRate = 0.1
        config.testLimit = 1000
        config.snapshotInterval = 0.1
        return config
    }

    /// One epoch with the dashboard's loop open on this thread: polling the trainer and rendering
    /// a full 120×40 frame every 50 ms, as the terminal UI does (without a terminal).
    static func epochSecondsWithDashboard(batch: Int, threads: Int) -> Double? {
        var config = polledEpoch(batch: batch)
        config.threads = threads
        config.keepAliveWhenFinished = true
        guard let controller = try? TrainerController.start(config) else { return nil }
        let app = DashboardApp(source: controller, catalog: ThemeCatalog(), initialTheme: "dark", size: (120, 40), colorsAvailable: true)
        var result: EpochResult?
        var previous: Buffer?
        while result == nil {
            for event in controller.waitForEvents(timeout: 0.05) {
                if case .epochFinished(let r) = event { result = r }
                if case .failed = event { return nil }
            }
            app.poll()
            let frame = app.frame()
            _ = frame.changes(from: previous)  // what the terminal backend computes before writing
            previous = frame
        }
        controller.send(.stop)
        controller.join()
        return result!.seconds
    }

    /// Headless training against the same with the dashboard open, in interleaved rounds (best of each), on 1 and 2 threads.
    static func dashboardCost(into report: inout Report) {
        for threads in [1, 2] {
            var headless: [Double] = [], dashboard: [Double] = []
            for _ in 0..<3 {
                if let seconds = epochSeconds(model: .mlp, batch: 128, threads: threads) { headless.append(seconds) }
                if let seconds = epochSecondsWithDashboard(batch: 128, threads: threads) { dashboard.append(seconds) }
            }
            guard let quiet = headless.min().map({ 60_000 / $0 }), let open = dashboard.min().map({ 60_000 / $0 }) else { continue }
            let plural = threads > 1 ? "s" : ""
            report.add("mlp batch 128, \(threads) thread\(plural), tensortop train --headless", fixed(quiet, 0), "")
            report.add("mlp batch 128, \(threads) thread\(plural), dashboard open (render every 50 ms)", fixed(open, 0),
                       fixed((1 - open / quiet) * 100, 1) + " % slower (target ≤ \(threads > 1 ? 3 : 5) %)")
        }
    }

    /// Peak resident memory of `tensortop train --model mlp --epochs 1` in a child process.
    static func trainMemory(into report: inout Report) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tensortop")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["train", "--model", "mlp", "--epochs", "1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            report.add("peak RSS of tensortop train --model mlp", "cannot run \(binary.path) (build it: swift build -c release)", "")
            return
        }
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        report.add("peak RSS of tensortop train --model mlp --epochs 1", fixed(Double(usage.ru_maxrss) / 1024, 1) + " MB", "target < 300 MB")
    }
}

/// A process that keeps one core busy (`sh` spinning), like another user's job.
final class BusyNeighbour {
    private let process = Process()

    init() {
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "while :; do :; done"]
        try? process.run()
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
