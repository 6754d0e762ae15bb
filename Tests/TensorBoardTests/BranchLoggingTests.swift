import Foundation
import Telemetry
import TensorBoard
import Testing

/// `--tensorboard` on a branched run: each branch's losses go to their own tags, so the curves
/// do not zigzag between branches that share steps.
struct BranchLoggingTests {
    /// A source whose loss history is a run A (steps 1–4) branched at 2 into B (steps 3–4).
    final class BranchedSource: TelemetrySource {
        let capabilities: SourceCapabilities = []
        let points = [1, 2, 3, 4].map { LossPoint(step: $0, loss: 2, segment: 0, learningRate: 0.1) }
            + [3, 4].map { LossPoint(step: $0, loss: 1, segment: 0, learningRate: 1, branch: 1) }
        func latestSnapshot() -> TrainingSnapshot? { nil }
        func losses(from cursor: Int) -> (points: [LossPoint], next: Int) { (Array(points.dropFirst(cursor)), points.count) }
        func takeEvents() -> [TrainerEvent] { [] }
        func waitForEvents(timeout seconds: Double) -> [TrainerEvent] { [] }
        @discardableResult func send(_ command: TrainerCommand) -> CommandID { 0 }
    }

    @Test func eachBranchHasItsOwnLossAndLearningRateTags() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tt-tb-branch-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let logging = try TensorBoardLogging(BranchedSource(), folder: folder)
        _ = logging.takeEvents()
        logging.finish()
        let records = try EventFileReader(path: logging.path).readNew().records
        func steps(_ tag: String) -> [Int64] { records.filter { $0.tag == tag }.map(\.step) }
        #expect(steps("loss/train") == [1, 2, 3, 4])
        #expect(steps("loss/train/B") == [3, 4])
        #expect(steps("lr/B") == [3, 4])
    }
}
