import Foundation
import Recording
import Telemetry
import Training

/// The cost of recording a run (`--record`): training polled like the dashboard polls, with and
/// without a recorder on the way, in interleaved runs.
enum RecordingBench {
    /// Seconds of one epoch's training steps, polled every 50 ms (snapshots every 100 ms), and the
    /// recording's size when `url` is given.
    static func epochSeconds(batch: Int, recordingTo url: URL?) -> (seconds: Double, bytes: Int, snapshot: TrainingSnapshot?)? {
        guard let controller = try? TrainerController.start(TrainingBench.polledEpoch(batch: batch)) else { return nil }
        var recorder: Recorder?
        if let url {
            try? FileManager.default.removeItem(at: url)
            recorder = try? Recorder(creating: url, tensortopVersion: "bench", command: "tensortop-bench")
        }
        let source: any TelemetrySource = recorder.map { RecordingSource(controller, recorder: $0) } ?? controller
        var result: EpochResult?
        var cursor = 0
        while result == nil {
            for event in source.waitForEvents(timeout: 0.05) {
                if case .epochFinished(let r) = event { result = r }
                if case .failed = event { return nil }
            }
            _ = source.latestSnapshot()
            cursor = source.losses(from: cursor).next
        }
        source.send(.stop)
        controller.join()
        (source as? RecordingSource)?.finish()
        return (result!.seconds, recorder?.bytesWritten ?? 0, controller.latestSnapshot())
    }

    static func cost(into report: inout Report) {
        let batch = 128
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tensortop-bench-\(getpid()).ttrun")
        defer { try? FileManager.default.removeItem(at: url) }
        var plain: [Double] = [], recorded: [Double] = []
        var bytes = 0
        var snapshot: TrainingSnapshot?
        for _ in 0..<5 {  // interleaved pairs, best of each: the machine's other work hits both alike
            if let run = epochSeconds(batch: batch, recordingTo: nil) { plain.append(run.seconds) }
            if let run = epochSeconds(batch: batch, recordingTo: url) {
                recorded.append(run.seconds)
                bytes = run.bytes
                snapshot = run.snapshot
            }
        }
        guard let quiet = plain.min(), let recording = recorded.min() else { return }
        let steps = Double((60_000 + batch - 1) / batch)
        report.add("mlp batch \(batch), polled every 50 ms", fixed(60_000 / quiet, 0), fixed(steps / quiet, 1) + " steps/s")
        report.add("mlp batch \(batch), polled and recorded (--record)", fixed(60_000 / recording, 0),
                   fixed(steps / recording, 1) + " steps/s, " + fixed((1 - quiet / recording) * 100, 1)
                   + " % slower (target ≤ 1 %), \(fixed(Double(bytes) / 1024, 0)) KB an epoch")
        if let snapshot { snapshotCost(snapshot, into: &report) }
    }

    /// What one snapshot costs to record, in wall and thread-CPU time (the CPU figure holds on a
    /// loaded machine), and how much of it is the histograms (2520 bins each: values, init before/after).
    static func snapshotCost(_ snapshot: TrainingSnapshot, into report: inout Report) {
        let record = RunRecord.snapshot(snapshot)
        let histograms = snapshot.parameters.flatMap { [$0.values] + ($0.initialization.map { [$0.before, $0.after] } ?? []) }
        guard let frame = try? RunFormat.frame(record), let json = try? TelemetryCoding.encoder().encode(record),
              let histogramJSON = try? TelemetryCoding.encoder().encode(histograms) else { return }
        let wall = Stopwatch.secondsPerCall(rounds: 3) { _ = try? RunFormat.frame(record) }
        let cpu = Stopwatch.secondsPerCall(rounds: 3, clock: Stopwatch.threadCPU) { _ = try? RunFormat.frame(record) }
        let jsonCPU = Stopwatch.secondsPerCall(rounds: 3, clock: Stopwatch.threadCPU) { _ = try? TelemetryCoding.encoder().encode(record) }
        let histogramCPU = Stopwatch.secondsPerCall(rounds: 3, clock: Stopwatch.threadCPU) { _ = try? TelemetryCoding.encoder().encode(histograms) }
        func kb(_ bytes: Int) -> String { fixed(Double(bytes) / 1024, 1) + " KB" }
        report.add("one snapshot recorded (JSON + deflate)", "", micros(wall) + " (CPU \(micros(cpu))), \(kb(json.count)) of JSON → \(kb(frame.count))")
        report.add("  its JSON alone", "", "CPU " + micros(jsonCPU))
        report.add("  its \(histograms.count) histograms' JSON alone", "", "CPU \(micros(histogramCPU)), \(kb(histogramJSON.count))")
    }
}
