import Dashboard
import Telemetry
import Testing

/// Page 5, the autograd stepper: its keys become commands for the app's session, a program is
/// typed in place, and the view the session sends is drawn as a tree.
struct AutogradPageTests {
    static func view(program: String = "x = ones(2); y = 2*x^2") -> AutogradView {
        AutogradView(program: program, rows: [
            .init(prefix: "", label: "MulBackward0", name: "y", isLeaf: false, requiresGrad: true, value: "tensor([2., 2.])",
                  gradient: "tensor([1., 1.])", state: .waiting),
            .init(prefix: "└─ ", label: "PowBackward0", isLeaf: false, requiresGrad: true, value: "tensor([1., 1.])", state: .idle),
            .init(prefix: "   └─ ", label: "x", isLeaf: true, requiresGrad: true, value: "tensor([1., 1.])", grad: "None", state: .idle),
        ], call: "y.backward(torch.ones_like(y))", stepsDone: 0, nodeCount: 2, seeds: ["torch.ones_like(y)", "x"])
    }

    @Test func openingThePageLoadsTheFirstExampleOnce() {
        var state = DashboardState(width: 100, height: 30)
        #expect(reduce(&state, .key(.character("5"))) == [.autograd(.preset(0))])
        _ = reduce(&state, .autograd(Self.view()))
        _ = reduce(&state, .key(.character("1")))
        #expect(reduce(&state, .key(.character("5"))).isEmpty, "the session is kept")
    }

    @Test func thePagesKeysAreCommandsForTheSession() {
        var state = DashboardState(width: 100, height: 30)
        state.page = .autograd
        _ = reduce(&state, .autograd(Self.view()))
        #expect(reduce(&state, .key(.character("n"))) == [.autograd(.step)], "n steps backward here, not training")
        #expect(reduce(&state, .key(.enter)) == [.autograd(.finish)])
        _ = reduce(&state, .key(.character("r")))
        _ = reduce(&state, .key(.character("g")))
        #expect(reduce(&state, .key(.character("b"))) == [.autograd(.begin(seed: 1, retainGraph: true))])
        _ = reduce(&state, .key(.character("g")))
        #expect(state.autograd.seed == 0, "g wraps around the seeds")
        #expect(reduce(&state, .key(.right)) == [.autograd(.preset(1))])
        #expect(reduce(&state, .key(.character("q"))) == [.quit], "the page keys still work")
    }

    @Test func aProgramIsTypedAndEvaluatedOnEnterAndAProblemKeepsTheDraft() {
        var state = DashboardState(width: 100, height: 30)
        state.page = .autograd
        _ = reduce(&state, .autograd(Self.view()))
        _ = reduce(&state, .key(.character("e")))
        for c in "y = q" { _ = reduce(&state, .key(.character(c))) }
        #expect(state.autograd.draft == "y = q", "q is a letter while typing")
        #expect(reduce(&state, .key(.enter)) == [.autograd(.program("y = q"))])
        _ = reduce(&state, .autogradProblem("statement 1 (y): no value named 'q'"))
        #expect(state.autograd.draft == "y = q" && state.message == "cannot evaluate: statement 1 (y): no value named 'q'")
        _ = reduce(&state, .key(.escape))
        #expect(state.autograd.draft == nil)
    }

    @Test func theTreeShowsNamesValuesGradientsAndTheNextCall() {
        var state = DashboardState(width: 100, height: 30)
        state.page = .autograd
        _ = reduce(&state, .autograd(Self.view()))
        let text = DashboardView.render(state, theme: .monochrome).text
        #expect(text.contains("MulBackward0 (y) = tensor([2., 2.])  ◂ waiting: tensor([1., 1.])"), "\(text)")
        #expect(text.contains("   └─ x = tensor([1., 1.])  requires_grad=True  .grad None"))
        #expect(text.contains("next b: y.backward(torch.ones_like(y))"))
        #expect(text.contains("b backward  n step"))
    }
}
