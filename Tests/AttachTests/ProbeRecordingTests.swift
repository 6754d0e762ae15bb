import Dashboard
import Foundation
import Telemetry
import Testing
@testable import Attach

/// What the real probe sent during a short PyTorch run (python/tests/record_fixture.py made it):
/// the dashboard reads every frame and shows the run.
@Suite struct ProbeRecordingTests {
    static func recording() throws -> Data {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/probe-run", withExtension: "frames"))
        return try Data(contentsOf: url)
    }

    @Test func everyFrameOfTheRealProbeDecodes() throws {
        var reader = WireFrameReader()
        reader.append(try Self.recording())
        var messages: [ProbeMessage] = []
        while let payload = try reader.next() { messages.append(try ProbeMessage.decode(payload)) }
        #expect(reader.bufferedCount == 0)
        guard case .hello(let hello) = messages.first, messages.last == .bye else {
            Issue.record("the recording does not start with hello and end with bye")
            return
        }
        #expect(hello.capabilities.isSuperset(of: [.pause, .step, .changeLearningRate, .reinitialize, .save, .batchImages, .gradients]))
        let snapshots = messages.compactMap { if case .snapshot(let s) = $0 { s } else { nil } }
        let points: [LossPoint] = messages.flatMap { message -> [LossPoint] in if case .losses(let p) = message { p } else { [] } }
        #expect(points.map(\.step) == Array(1...points.count), "every step's loss, once, in order")
        #expect(snapshots.count >= 3)
        let last = try #require(snapshots.last { $0.batch != nil })
        #expect(last.parameters.map(\.name) == ["0.weight", "0.bias", "1.weight", "1.bias", "5.weight", "5.bias"])
        #expect(last.parameters.allSatisfy { $0.gradient != nil && $0.values.count == $0.shape.reduce(1, *) })
        #expect(last.buffers.map(\.name) == ["1.running_mean", "1.running_var", "1.num_batches_tracked"])
        #expect(last.batch?.width == 28 && last.batch?.height == 28 && last.batch?.labels.count == last.batch?.count)
        #expect(last.imageShape == [1, 28, 28] && last.classNames.count == 10 && last.modelMode == .train)
        #expect(last.parameters[0].tileShape == [1, 3, 3] && last.parameters[0].tiles.count == 4 * 9)
        #expect(last.parameters[0].gradientTiles.count == 4 * 9 && last.parameters[4].tiles.isEmpty)
        #expect(last.featureMaps?.layers.map(\.name) == ["2", "3"])
        #expect(last.featureMaps?.layers.map(\.mapCount) == [4, 4])
        // The stand-in dashboard paused, doubled the learning rate and resumed: three answers.
        let answers = messages.compactMap { if case .event(.applied(let id, _)) = $0 { id } else { nil } }
        #expect(Set(answers) == [1, 2, 3])
    }

    @Test func theDashboardShowsTheRecordedRun() throws {
        let folder = socketFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = try AttachSource(address: .unix(path: "\(folder)/r.sock"), tensortopVersion: "9.9")
        defer { source.close() }
        let probe = try TestProbe(source.address)
        var events: [TrainerEvent] = []
        probe.sendRaw(try Self.recording())
        #expect(eventually(source, &events) { notices($0).contains { $0.contains("tiny_training.py") && $0.contains("ended") } })
        let snapshot = try #require(source.latestSnapshot())
        #expect(snapshot.state == .finished)
        var state = DashboardState(width: 120, height: 40)
        _ = reduce(&state, .losses(source.losses(from: 0).points))
        _ = reduce(&state, .snapshot(snapshot))
        let screen = DashboardView.render(state, theme: ThemeCatalog().load("mono").theme).text
        for expected in ["FINISHED  train mode  epoch 1  ", "step \(snapshot.step)", "0.weight", "1.running_mean", "class "] {
            #expect(screen.contains(expected), "\(expected) not on the screen:\n\(screen)")
        }
        // Page 4: the first conv's filters and what the ReLU and the pooling made of the first image.
        state.page = .features
        let features = DashboardView.render(state, theme: ThemeCatalog().load("mono").theme).text
        for expected in ["0.weight filters [4×1×3×3]", "2 ReLU [4×28×28]", "3 MaxPool2d [4×14×14]"] {
            #expect(features.contains(expected), "\(expected) not on page 4:\n\(features)")
        }
        // Page 2: an epoch the probe reported (losses and accuracy, no matrix) says so, with the epoch table.
        var withEpoch = snapshot
        withEpoch.epochResults = [EpochResult(epoch: 1, step: 20, trainLoss: 0.5, testLoss: 0.4, testAccuracy: 0.859,
                                              perClassAccuracy: [], confusion: [], seconds: 1)]
        _ = reduce(&state, .snapshot(withEpoch))
        state.page = .confusion
        let confusion = DashboardView.render(state, theme: ThemeCatalog().load("mono").theme).text
        #expect(confusion.contains("no confusion matrix: this run reports losses and accuracy only"), "\(confusion)")
        #expect(confusion.contains("85.90%"), "\(confusion)")
    }
}
