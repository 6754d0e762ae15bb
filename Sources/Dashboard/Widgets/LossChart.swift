import Foundation
import Telemetry

/// The loss curve: every step's loss (faint braille), its bias-corrected moving average
/// (bright), test losses at epoch ends (◆), epoch ticks and intervention markers; all steps or
/// the last N (`LossWindow`), the y axis fitted to what is shown.
enum LossChart {
    /// What the chart draws.
    struct Input: Equatable {
        /// The loss points up to the moment shown, oldest first (`render` keeps the window's).
        var points: [LossPoint]
        var window: LossWindow = .all
        /// The moving average's weight of the past (0 = raw).
        var smoothing = 0.9
        var logScale = false
        /// Test results at epoch ends, oldest first.
        var tests: [EpochResult] = []
        var journal: [JournalEntry] = []
        /// What the chart says while it has no points: the source's notice, or that it waits.
        var emptyText = "waiting for the first step…"
        /// The run's branches (empty when it never branched) and the one shown bright.
        var branches: [BranchSummary] = []
        var branch = 0
    }

    /// The input for a state: the losses up to the snapshot's step, so every panel shows the same moment.
    static func input(_ state: DashboardState) -> Input {
        Input(points: pointsShown(state), window: state.lossWindow, smoothing: state.smoothing, logScale: state.logScale,
              tests: state.snapshot?.epochResults ?? [], journal: state.snapshot?.journal ?? [],
              emptyText: state.notice ?? "waiting for the first step…", branches: state.snapshot?.branches ?? [],
              branch: state.snapshot?.branch ?? 0)
    }

    /// The loss points up to the snapshot's step (all of them before the first snapshot); the
    /// other branches' points all (they stopped where they wait).
    static func pointsShown(_ state: DashboardState) -> [LossPoint] {
        let newest = state.snapshot?.step ?? Int.max, branch = state.snapshot?.branch ?? 0
        return state.losses.filter { $0.branch != branch || $0.step <= newest }
    }

    /// The shown branch's points, for charts of one run (the learning-rate history).
    static func activeBranchPoints(_ state: DashboardState) -> [LossPoint] {
        let branch = state.snapshot?.branch ?? 0
        return pointsShown(state).filter { $0.branch == branch }
    }

    /// The debiased moving average (`Smoothing.debiased`), restarted at each new segment.
    static func smoothed(_ points: [LossPoint], weight: Double) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(points.count)
        var start = points.startIndex
        while start < points.endIndex {
            let segment = points[start].segment
            let end = points[start...].firstIndex { $0.segment != segment } ?? points.endIndex
            result += Smoothing.debiased(points[start..<end].lazy.map(\.loss), weight: weight)
            start = end
        }
        return result
    }

    /// The index of the first point inside `window`: for `.last(n)`, the first whose step is
    /// within n steps of the newest point's (steps as a recording has them: any order, any size).
    static func windowStart(_ points: [LossPoint], _ window: LossWindow) -> Int {
        guard case .last(let steps) = window, let newest = points.last?.step else { return 0 }
        let (cutoff, overflow) = newest.subtractingReportingOverflow(max(1, steps))
        guard !overflow else { return 0 }
        return points.lastIndex { $0.step <= cutoff }.map { $0 + 1 } ?? 0
    }

    /// The title's words for a window ("last 200 steps"), nil for all steps.
    static func windowText(_ window: LossWindow) -> String? {
        guard case .last(let steps) = window else { return nil }
        return "last \(steps) step" + (steps == 1 ? "" : "s")
    }

    static func render(_ input: Input, in rect: Rect, focused: Bool, theme: Theme, into buffer: inout Buffer) {
        // The average starts again at the window's first step: what is shown depends only on
        // the shown steps, so an old divergence cannot stretch the axis through the average.
        let (active, otherPoints) = branchCurves(input)
        let points = Array(active[windowStart(active, input.window)...])
        let smooth = smoothed(points, weight: input.smoothing)
        // The other branches: their smoothed curves over the same steps, in branch order.
        let others = otherPoints.map { $0.filter { $0.step >= (points.first?.step ?? Int.min) } }.filter { !$0.isEmpty }
            .map { ($0, smoothed($0, weight: input.smoothing)) }
        var title = [Draw.Part(text: "Loss", priority: 0)]
        if let legend = branchLegend(input) { title.append(Draw.Part(text: legend, priority: 0)) }
        if let window = windowText(input.window) { title.append(Draw.Part(text: window, priority: 1)) }
        title.append(Draw.Part(text: "smoothing \(Draw.fixed(input.smoothing, 2))", priority: 4))
        if input.logScale { title.append(Draw.Part(text: "log", priority: 3)) }
        if let last = smooth.last { title.append(Draw.Part(text: "now \(Draw.decimal(last, 4, width: 8))", priority: 1)) }
        if let epoch = input.tests.last {
            title.append(Draw.Part(text: "test \(Draw.decimal(epoch.testLoss, 4, width: 8)) acc \(Draw.decimal(epoch.testAccuracy * 100, 1, width: 5))%", priority: 2))
        }
        Draw.box(rect, title: title, focused: focused, theme: theme, into: &buffer)
        let inner = rect.inset(1)
        guard StepChart.fits(inner) else { return }
        guard let first = points.first, let last = points.last else {
            let lines = Overlays.wrap(input.emptyText, width: inner.width - 2, indent: "  ").prefix(inner.height)
            let top = inner.y + max(0, min(inner.height - lines.count, inner.height / 2 - (lines.count - 1) / 2))
            for (row, line) in lines.enumerated() {
                buffer.put(line, x: inner.x + 1, y: top + row, style: theme[.dim], clip: inner)
            }
            return
        }
        let tests = input.tests.filter { $0.step >= first.step }
        // The y range: the newest segment's shown points (a reset rescales the axis), robust to
        // a few huge losses (2nd–98th percentile of the raw values).
        let current = points.indices.filter { points[$0].segment == last.segment }
        let sorted = current.map { points[$0].loss }.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { return }
        let lowRaw = sorted[(sorted.count - 1) * 2 / 100], highRaw = sorted[(sorted.count - 1) * 98 / 100]
        let candidates = [lowRaw, highRaw] + current.map { smooth[$0] } + tests.map(\.testLoss) + others.flatMap(\.1)
        let lastStep = max(last.step, others.compactMap { $0.0.last?.step }.max() ?? last.step)
        guard var chart = StepChart(in: inner, firstStep: first.step, lastStep: lastStep, spanning: candidates, logScale: input.logScale) else { return }
        chart.add(points.map { StepChart.Point(step: $0.step, value: $0.loss, segment: $0.segment) }, layer: 0, joined: false)
        for (otherPoints, otherSmooth) in others {
            chart.add(zip(otherPoints, otherSmooth).map { StepChart.Point(step: $0.step, value: $1, segment: $0.segment) }, layer: 1, joined: true)
        }
        chart.add(zip(points, smooth).map { StepChart.Point(step: $0.step, value: $1, segment: $0.segment) }, layer: 2, joined: true)
        chart.drawDots(styles: [theme[.series], theme[.accent], theme[.smoothed]], into: &buffer)
        chart.drawMarkers(input.journal, theme: theme, into: &buffer)
        let testPoints = tests.map { StepChart.Point(step: $0.step, value: $0.testLoss) }
        chart.drawSymbols(testPoints, "◆", style: theme[.testPoint], into: &buffer)
        chart.drawAxes(ticks: tests.map(\.step), theme: theme, into: &buffer)
    }

    /// Branches beyond these are left off the chart.
    static let maximumBranchesDrawn = 16

    /// `B (lr 0.001 → 0.01 at 60) vs A`: which curve is which, once the run has branched.
    static func branchLegend(_ input: Input) -> String? {
        guard input.branches.indices.contains(input.branch), input.branches.count > 1 else { return nil }
        let shown = input.branches[input.branch]
        let about = shown.change.isEmpty ? "" : " (\(shown.change) at \(shown.fromStep))"
        let rest = input.branches.indices.filter { $0 != input.branch }.map { input.branches[$0].name }.joined(separator: " ")
        return "\(shown.name)\(about) vs \(rest)"
    }

    /// The shown branch's curve from the run's first step (its ancestors' points up to where
    /// each branched, then its own), and each other branch's points from where it leaves that
    /// curve, in branch order. Without branch summaries every point is one curve.
    static func branchCurves(_ input: Input) -> (shown: [LossPoint], others: [[LossPoint]]) {
        let branches = input.branches
        guard branches.indices.contains(input.branch), branches.count > 1 else {
            return (input.points.filter { $0.branch == input.branch }, [])
        }
        // The lineage: each ancestor with the last step of it the shown curve uses.
        var lastStep: [Int: Int] = [input.branch: Int.max]
        var child = input.branch
        while let parent = branches[child].parent, branches.indices.contains(parent), lastStep[parent] == nil {
            lastStep[parent] = branches[child].fromStep
            child = parent
        }
        let byBranch = Dictionary(grouping: input.points, by: \.branch)
        // Root first: each ancestor's points up to where the next one branched off it.
        var lineage = [input.branch]
        while let parent = branches[lineage[lineage.count - 1]].parent, lastStep[parent] != nil, !lineage.contains(parent) {
            lineage.append(parent)
        }
        let shown = lineage.reversed().flatMap { index in (byBranch[index] ?? []).filter { $0.step <= lastStep[index]! } }
        // A recording could name thousands of branches: the chart draws the first few.
        let others = branches.indices.prefix(Self.maximumBranchesDrawn).filter { $0 != input.branch }.map { index in
            let from = lastStep[index] ?? Int.min
            return (byBranch[index] ?? []).filter { $0.step > from }
        }
        return (shown, others)
    }
}
