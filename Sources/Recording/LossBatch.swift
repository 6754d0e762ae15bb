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
    /// Each point's branch (`LossPoint.branch`); empty when every point is the run's own (A).
    public var branches: [Int]

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
        branches = points.contains { $0.branch != 0 } ? points.map(\.branch) : []
    }

    /// The points, or why the columns do not fit together (a damaged or hostile file).
    public func points() throws(RecordingProblem) -> [LossPoint] {
        let count = losses.count
        guard first >= 0 else { throw RecordingProblem("a loss batch starts at point \(first)") }
        guard segments.count == count, stepDeltas.count == Swift.max(count - 1, 0),
              learningRates.isEmpty || learningRates.count == count, branches.isEmpty || branches.count == count else {
            throw RecordingProblem("a loss batch's columns differ in length (\(count) losses, \(segments.count) segments, "
                                   + "\(stepDeltas.count) step deltas, \(learningRates.count) learning rates, \(branches.count) branches)")
        }
        if let bad = branches.first(where: { $0 < 0 }) { throw RecordingProblem("a loss batch names branch \(bad)") }
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
                                    learningRate: learningRates.isEmpty ? nil : learningRates[i], branch: branches.isEmpty ? 0 : branches[i]))
        }
        return points
    }
}

extension LossBatch {
    enum CodingKeys: String, CodingKey { case first, firstStep, stepDeltas, losses, segments, learningRates, branches }

    /// Reads a batch; one written before branches existed has no `branches` column.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        first = try c.decode(Int.self, forKey: .first)
        firstStep = try c.decode(Int.self, forKey: .firstStep)
        stepDeltas = try c.decode([Int].self, forKey: .stepDeltas)
        losses = try c.decode([Double].self, forKey: .losses)
        segments = try c.decode([Int].self, forKey: .segments)
        learningRates = try c.decode([Double?].self, forKey: .learningRates)
        branches = try c.decodeIfPresent([Int].self, forKey: .branches) ?? []
    }

    /// Writes the columns; `branches` only when a point belongs to a branch.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(first, forKey: .first)
        try c.encode(firstStep, forKey: .firstStep)
        try c.encode(stepDeltas, forKey: .stepDeltas)
        try c.encode(losses, forKey: .losses)
        try c.encode(segments, forKey: .segments)
        try c.encode(learningRates, forKey: .learningRates)
        if !branches.isEmpty { try c.encode(branches, forKey: .branches) }
    }
}
