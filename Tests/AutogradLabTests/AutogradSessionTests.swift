import AutogradLab
import Telemetry
import Testing

/// The stepper page's session: the graph as a tree with PyTorch's names, backward node by node
/// with the gradients in flight, accumulation with retain_graph and PyTorch's error without it.
struct AutogradSessionTests {
    @Test func theScalarCellsTreeHasPyTorchsNodesAndTheLeafOnce() throws {
        let session = try AutogradSession("x = ones(2); y = 2 * x[0] ** 3 + 2 * x[1] ** 2")
        let rows = session.view.rows
        #expect(rows.first?.label == "AddBackward0" && rows.first?.name == "y")
        #expect(rows.map(\.label).filter { $0 == "MulBackward0" }.count == 2)
        #expect(rows.map(\.label).filter { $0 == "PowBackward0" }.count == 2)
        #expect(rows.map(\.label).filter { $0 == "SelectBackward0" }.count == 2)
        let leaves = rows.filter(\.isLeaf)
        #expect(leaves.count == 2 && leaves.allSatisfy { $0.label == "x" && $0.grad == "None" })
        #expect(leaves.filter { $0.repeatOf != nil }.count == 1, "x is drawn in full once")
        #expect(rows[1].prefix == "├─ " && rows.last?.prefix.hasSuffix("└─ ") == true)
        #expect(session.seeds == [.implicit])
    }

    @Test func valuesShowInTheirDtypeAndAMixedMatmulIsAMessage() throws {
        let session = try AutogradSession("x = ones(2); d = double(x) * 3; y = sum(d)")
        let rows = session.view.rows
        #expect(rows.map(\.label) == ["SumBackward0", "MulBackward0", "ToCopyBackward0", "x"])
        #expect(rows[0].value == "tensor(6., dtype=torch.float64)")
        #expect(rows[3].value == "tensor([1., 1.])")
        session.begin(.implicit, retainGraph: false)
        session.finish()
        #expect(session.view.rows[3].grad == "tensor([3., 3.])", "the float32 leaf's .grad is float32")
        #expect(throws: ExpressionError.self) { try AutogradSession("x = ones(2); y = double(x) @ x") }
        #expect(try AutogradSession("x = ones(2); y = double(x) @ double(x)").view.rows[0].value == "tensor(2., dtype=torch.float64)")
    }

    @Test func steppingShowsTheGradientInFlightAndFillsTheLeafsGrad() throws {
        let session = try AutogradSession("x = ones(2); y = 2 * x[0] ** 3 + 2 * x[1] ** 2")
        session.begin(.implicit, retainGraph: false)
        #expect(session.view.call == "y.backward()")
        #expect(session.view.rows[0].state == .waiting && session.view.rows[0].gradient == "tensor(1.)")
        session.step()
        var view = session.view
        #expect(view.rows[0].state == .current && view.stepsDone == 1)
        #expect(view.lastStep == "AddBackward0: gradient in tensor(1.) → out tensor(1.), tensor(1.)")
        #expect(view.rows.filter { $0.state == .waiting }.count == 2)
        session.finish()
        view = session.view
        #expect(!session.isStepping && view.backwardsFinished == 1)
        #expect(view.rows.first { $0.isLeaf && $0.repeatOf == nil }?.grad == "tensor([6., 4.])")
        // Without retain_graph the graph is freed: PyTorch's error, and .grad stays.
        session.begin(.implicit, retainGraph: false)
        view = session.view
        #expect(view.error?.hasPrefix("Trying to backward through the graph a second time") == true)
        #expect(view.rows.first { $0.isLeaf && $0.repeatOf == nil }?.grad == "tensor([6., 4.])")
    }

    @Test func theVectorCellAccumulatesWithRetainGraph() throws {
        let session = try AutogradSession("x = arange(0, 6); y = 2*x^2")
        #expect(session.seeds == [.onesLike, .leaf("x")])
        session.begin(.onesLike, retainGraph: true)
        session.finish()
        #expect(session.view.rows.last?.grad == "tensor([ 0.,  4.,  8., 12., 16., 20.])")
        session.begin(.leaf("x"), retainGraph: true)
        #expect(session.view.call == "y.backward(x, retain_graph=True)")
        session.finish()
        #expect(session.view.rows.last?.grad == "tensor([  0.,   8.,  24.,  48.,  80., 120.])")
        #expect(session.view.backwardsFinished == 2 && session.view.error == nil)
    }
}
