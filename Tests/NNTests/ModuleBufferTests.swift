import Testing
import NN
import Tensors

/// A module with a parameter, two buffers (one int64, one optional and absent) and a child.
private final class Tracker: Module {
    @Parameter var scale = Tensor(shape: [2], scalars: [1, 1])
    @Buffer var total = Tensor.zeros([2])
    @Buffer var steps = Tensor(shape: [], int64Scalars: [0])
    @OptionalBuffer var absent: Tensor? = nil
    let child = Linear(2, 2, generator: Generator(seed: 1))

    override func forward(_ x: Tensor) -> Tensor {
        noGrad {
            total.add_(try! x.sum(dim: 0))
            steps.copy_(Tensor(shape: [], int64Scalars: [Int64(steps.intItem() + 1)]))
        }
        return child(x * scale)
    }
}

/// `@Buffer`: saved like parameters (in PyTorch's state-dict order) but never trained.
@Suite struct ModuleBufferTests {
    @Test func stateDictListsParametersThenBuffersThenChildren() {
        let net = Sequential(Tracker(), BatchNorm1d(2))
        #expect(net.stateDict().keys == [
            "0.scale", "0.total", "0.steps", "0.child.weight", "0.child.bias",
            "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked",
        ])
        #expect(net.namedBuffers().map(\.name) == ["0.total", "0.steps", "1.running_mean", "1.running_var", "1.num_batches_tracked"])
        #expect(net[1].running_var.scalars == [1, 1], "buffers are reachable by name like parameters")
    }

    @Test func parametersLeaveBuffersOut() {
        let tracker = Tracker()
        #expect(tracker.namedParameters().map(\.name) == ["scale", "child.weight", "child.bias"])
        #expect(tracker.buffers().allSatisfy { !$0.requiresGrad })
    }

    @Test func stateDictSeesLaterBufferUpdates() {
        let tracker = Tracker()
        let saved = tracker.stateDict()
        _ = tracker(Tensor(shape: [1, 2], scalars: [3, 4]))
        #expect(saved["total"]?.scalars == [3, 4])
        #expect(saved["steps"]?.intItem() == 1)
    }

    @Test func loadStateDictRestoresBuffersInTheirOwnDType() throws {
        let source = Tracker()
        _ = source(Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))
        _ = source(Tensor(shape: [1, 2], scalars: [1, 1]))
        let target = Tracker()
        let identity = ObjectIdentifier(target.steps)
        try target.loadStateDict(source.stateDict())
        #expect(target.total.scalars == [5, 7])
        #expect(target.steps.dtype == .int64 && target.steps.intItem() == 2)
        #expect(ObjectIdentifier(target.steps) == identity, "buffers are copied into, not replaced")
    }

    @Test func missingBufferIsAMissingKey() {
        var partial = Tracker().stateDict()
        partial["steps"] = nil
        let error = #expect(throws: StateDictError.self) { try Tracker().loadStateDict(partial) }
        #expect(error?.missingKeys == ["steps"])
    }
}
