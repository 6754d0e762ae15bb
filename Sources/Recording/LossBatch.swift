import Telemetry

/// Loss points stored column by column, steps as deltas: compact before compression, and
/// smaller after it (a run's steps are mostly `+1`, its segments and learning rates repeat).
public struct LossBatch: Sendable, Equatable, Codable {
    /// The index of the first point in the run's whole loss history (0 for the first batch).
    public var first: Int
    /// The first point's step.
    public var firstStep: Int
    /// Each later point's step minus the previous point's (one fewer than `losses`).
    public var stepDeltas: [Int]
    public var losses: [Double]
    public var segments: [Int]
    /// Each point's learning rate; empty when no point has one.
    public var learningRates: [Double?]

    /// The points `points`, the first of which has index `first` in the run's history.
    public init(first: Int, points: [LossPoint]) {
        self.first = first
        firstStep = points.first?.step ?? 0
        stepDeltas = zip(points.dropFirst(), points).map { next, previous in
            let (delta, overflow) = next.step.subtractingReportingOverflow(previous.step)
            return overflow ? 0 : delta
        }
        losses = points.map(\.loss)
        segments = points.map(\.segment)
        learningRates = points.contains { $0.learningRate != nil } ? points.map(\.learningRate) : []
    }

    /// The points, or why the columns do not fit together (a damaged or hostile file).
    public func points() throws(RecordingProblem) -> [LossPoint] {
        let count = losses.count
        guard first >= 0 else { throw RecordingProblem("a loss batch starts at point \(first)") }
        guard segments.count == count, stepDeltas.count == Swift.max(count - 1, 0),
              learningRates.isEmpty || learningRates.count == count else {
            throw RecordingProblem("a loss batch's columns differ in length (\(count) losses, \(segments.count) segments, "
                                   + "\(stepDeltas.count) step deltas, \(learningRates.count) learning rates)")
        }
        var points: [LossPoint] = []
        points.reserveCapacity(count)
        var step = firstStep
        for i in 0..<count {
            if i > 0 {
                let (next, overflow) = step.addingReportingOverflow(stepDeltas[i - 1])
                guard !overflow else { throw RecordingProblem("a loss batch's steps overflow at point \(i)") }
                step = next
            }
            points.append(LossPoint(step: step, loss: losses[i], segment: segments[i],
                                    learningRate: learningRates.isEmpty ? nil : learningRates[i]))
        }
        return points
    }
}
