import Telemetry

/// The reduction explorer page (6): the toggles the keys chose and the values the app's
/// engine computed for the current batch under them.
public struct ReductionPageState: Sendable, Equatable {
    /// The options the keys chose (kept while a new batch's values are computed).
    public var settings = ReductionSettings()
    /// The values for the newest batch the engine saw; nil before the first.
    public var view: ReductionView?
    /// Why the current batch cannot be explored (no logits), if it cannot.
    public var problem: String?

    public init() {}
}

/// What the explorer asks the app's engine: the batch of snapshot `sequence` under `settings`.
public struct ReductionRequest: Sendable, Equatable {
    /// The batch shown, with its logits.
    public var batch: BatchPreview
    /// The snapshot the batch came with (the answer says which batch it is for).
    public var sequence: Int
    /// The options to compute under.
    public var settings: ReductionSettings

    public init(batch: BatchPreview, sequence: Int, settings: ReductionSettings) {
        (self.batch, self.sequence, self.settings) = (batch, sequence, settings)
    }
}

/// What a key on the reduction explorer page asks.
public enum ReductionIntent: Sendable, Equatable {
    /// The selected sample this many on (`Int.min`/`Int.max`: the first/last).
    case select(Int)
    /// Double (or stop doubling) the selected sample's class weight.
    case weight
    /// Ignore (or stop ignoring) the selected sample's class.
    case ignore
    /// The next label-smoothing value.
    case smoothing
    /// Targets as probabilities or class indices.
    case probabilities
    /// The gradient of the mean or of the sum.
    case gradientOf
    /// Every option back to PyTorch's defaults.
    case defaults
}

/// The explorer's keys: new settings, and the request for the engine when there is a batch.
func performReductions(_ intent: ReductionIntent, _ state: inout DashboardState) -> [Effect] {
    var settings = state.reductions.settings
    let batch = state.snapshot?.batch
    let label = batch.flatMap { $0.labels.indices.contains(settings.selected) ? $0.labels[settings.selected] : nil }
    switch intent {
    case .select(let change):
        let last = max(0, (batch?.count ?? 1) - 1)
        settings.selected = change == Int.min ? 0 : change == Int.max ? last : min(last, max(0, settings.selected + change))
    case .weight: settings.weightedClass = settings.weightedClass == label ? nil : label
    case .ignore: settings.ignoredClass = settings.ignoredClass == label ? nil : label
    case .smoothing:
        let cycle = ReductionSettings.smoothingCycle
        settings.labelSmoothing = cycle[((cycle.firstIndex(of: settings.labelSmoothing) ?? -1) + 1) % cycle.count]
    case .probabilities: settings.probabilityTargets.toggle()
    case .gradientOf: settings.gradientOf = settings.gradientOf == .mean ? .sum : .mean
    case .defaults:
        let selected = settings.selected
        settings = ReductionSettings()
        settings.selected = selected
    }
    state.reductions.settings = settings
    return reductionRequest(state)
}

/// The request that brings the explorer's values up to date with the batch shown, if there is a batch.
func reductionRequest(_ state: DashboardState) -> [Effect] {
    guard let snapshot = state.snapshot, let batch = snapshot.batch else { return [] }
    return [.reductions(ReductionRequest(batch: batch, sequence: snapshot.sequence, settings: state.reductions.settings))]
}
