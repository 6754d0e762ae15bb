@testable import Dashboard
import Telemetry
import Testing

/// Branching from the dashboard: `b` opens the branch menu, whose keys send the branch with
/// the change worked out from the snapshot; `B` switches branch; the loss chart draws the shown
/// branch's whole curve (its ancestors' points up to where it branched) and the others beside it.
struct BranchTests {
    @Test func theBranchMenuSendsTheChangeItsKeyNames() {
        var state = Sample.state(width: 120, height: 40)
        #expect(reduce(&state, .key(.character("b"))).isEmpty)
        #expect(state.branchMenu)
        let screen = DashboardView.render(state, theme: .monochrome).text
        #expect(screen.contains("Branch A at step 250 (esc cancels)"))
        #expect(screen.contains("now: Adam lr 0.001, batch size 128"))
        #expect(screen.contains("learning rate ×10 / ÷10"))
        #expect(reduce(&state, .key(.character("+"))) == [.send(.branch(.scaleLearningRate(10)))])
        #expect(!state.branchMenu)
        let expected: [(Key, BranchChange)] = [(.enter, .none), (.character("-"), .scaleLearningRate(0.1)), (.character("o"), .optimizer("adamw")),
                                               (.character("k"), .batchSize(256)), (.character("K"), .batchSize(64))]
        for (key, change) in expected {
            _ = reduce(&state, .key(.character("b")))
            #expect(reduce(&state, .key(key)) == [.send(.branch(change))])
        }
        _ = reduce(&state, .key(.character("b")))
        #expect(reduce(&state, .key(.escape)).isEmpty)
        #expect(!state.branchMenu)
        #expect(reduce(&state, .key(.character("B"))) == [.send(.switchBranch(nil))])
    }

    @Test func theCheckpointListBranchesFromTheChosenFile() {
        var state = Sample.state(width: 120, height: 40)
        _ = reduce(&state, .checkpoints(["checkpoints/step-000100.safetensors", "checkpoints/step-000200.safetensors"]))
        _ = reduce(&state, .key(.down))
        #expect(reduce(&state, .key(.character("b"))) == [.send(.branch(.checkpoint(path: "checkpoints/step-000200.safetensors")))])
        #expect(state.loadMenu == nil)
    }

    @Test func theNextOptimizerAndHalfABatchOfOneAreWorkedOutFromTheSnapshot() {
        var snapshot = Sample.snapshot()
        snapshot.optimizerName = "AdamW"
        snapshot.batchSize = 1
        #expect(branchChange(.nextOptimizer, snapshot) == .optimizer("sgd"))
        #expect(branchChange(.batchSize(0.5), snapshot) == .batchSize(1))
        snapshot.batchSize = Int.max
        #expect(branchChange(.batchSize(2), snapshot) == .batchSize(Int.max))
        #expect(branchChange(.nextOptimizer, nil) == .optimizer("sgd"))
    }

    @Test func aSourceThatCannotBranchSaysSo() {
        var state = Sample.state(width: 120, height: 40)
        state.capabilities = SourceCapabilities.liveTrainer.subtracting(.branch)
        #expect(reduce(&state, .key(.character("b"))).isEmpty)
        #expect(!state.branchMenu)
        #expect(state.message?.isEmpty == false)
        #expect(reduce(&state, .key(.character("B"))).isEmpty)
    }

    /// A run A (steps 1–30) branched at 10 into B (11–25), and B at 20 into C (21–28).
    static let input: LossChart.Input = {
        let a = (1...30).map { LossPoint(step: $0, loss: 2, segment: 0) }
        let b = (11...25).map { LossPoint(step: $0, loss: 1, segment: 0, branch: 1) }
        let c = (21...28).map { LossPoint(step: $0, loss: 0.5, segment: 0, branch: 2) }
        let branches = [BranchSummary(name: "A", parent: nil, fromStep: 0, change: "", step: 30, learningRate: 0.001),
                        BranchSummary(name: "B", parent: 0, fromStep: 10, change: "lr 0.001 → 0.01", step: 25, learningRate: 0.01),
                        BranchSummary(name: "C", parent: 1, fromStep: 20, change: "batch size 128 → 256", step: 28, learningRate: 0.01)]
        return LossChart.Input(points: a + b + c, branches: branches, branch: 2)
    }()

    @Test func theShownBranchsCurveStartsWithItsAncestors() {
        let (shown, others) = LossChart.branchCurves(Self.input)
        #expect(shown.map(\.step) == Array(1...28))
        #expect(shown.map(\.branch) == Array(repeating: 0, count: 10) + Array(repeating: 1, count: 10) + Array(repeating: 2, count: 8))
        #expect(others.map { $0.map(\.step) } == [Array(11...30), Array(21...25)])
        var a = Self.input
        a.branch = 0
        let (shownA, othersA) = LossChart.branchCurves(a)
        #expect(shownA.map(\.step) == Array(1...30))
        #expect(othersA.map { $0.map(\.step) } == [Array(11...25), Array(21...28)])
        #expect(LossChart.branchLegend(Self.input) == "C (batch size 128 → 256 at 20) vs A B")
        var unbranched = Self.input
        unbranched.branches = []
        unbranched.branch = 0
        #expect(LossChart.branchCurves(unbranched).shown.count == 30 && LossChart.branchLegend(unbranched) == nil)
    }

    @Test func theChartAndStatusBarNameTheBranches() {
        var state = Sample.state(width: 120, height: 40)
        var snapshot = Sample.snapshot()
        snapshot.branches = Self.input.branches
        snapshot.branch = 1
        snapshot.step = 25
        snapshot.journal = [JournalEntry(step: 10, kind: .branch, text: "branch B from A at step 10: lr 0.001 → 0.01")]
        _ = reduce(&state, .snapshot(snapshot))
        _ = reduce(&state, .losses(Self.input.points))
        let screen = DashboardView.render(state, theme: .monochrome).text
        #expect(screen.contains("B (lr 0.001 → 0.01 at 10) vs A C"))
        #expect(screen.contains("branch B of 3"))
    }
}

/// `c` on page 5: the current model's graph on the batch image selected on page 6.
struct ModelGraphKeyTests {
    @Test func cAsksForTheModelOnTheSelectedImageAndASourceWithoutAModelSaysSo() {
        var state = Sample.state(width: 120, height: 40)
        state.page = .autograd
        state.reductions.settings.selected = 2
        let snapshot = Sample.snapshot()
        #expect(reduce(&state, .key(.character("c"))) == [.autograd(.model(batch: snapshot.batch!, sample: 2, classNames: snapshot.classNames))])
        state.capabilities = SourceCapabilities.liveTrainer.subtracting(.modelCopy)
        #expect(reduce(&state, .key(.character("c"))).isEmpty)
        #expect(state.message?.isEmpty == false)
        var empty = DashboardState(width: 120, height: 40)
        empty.page = .autograd
        #expect(reduce(&empty, .key(.character("c"))).isEmpty)
        #expect(empty.message == "no batch yet: the model's graph needs a batch image")
    }
}
