import Foundation
import Testing
@testable import Telemetry

/// The JSON form of telemetry (docs/TELEMETRY.md): every value round-trips, non-finite numbers
/// survive, and the documented examples still decode to what the documentation says.
@Suite struct SchemaTests {
    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try TelemetryCoding.encoder().encode(value), as: UTF8.self)
    }

    static func roundTrip<T: Codable & Equatable>(_ value: T) throws -> T {
        try TelemetryCoding.decoder().decode(T.self, from: try TelemetryCoding.encoder().encode(value))
    }

    static let commands: [TrainerCommand] = [
        .pause, .resume, .togglePause, .step(3), .advance(10), .setLearningRate(0.05), .scaleLearningRate(2),
        .setHyperparameter(name: "momentum", value: 0.9),
        .reinitialize(parameter: "0.weight", method: InitChoice(name: "normal_", arguments: [.init("mean", "0.0"), .init("std", "0.01")])),
        .reinitialize(parameter: nil, method: InitChoice(name: "default")), .reset, .save(path: nil), .save(path: "a.pth"),
        .load(path: "b.safetensors"), .setSpeed(stepsPerSecond: 5), .setSpeed(stepsPerSecond: nil),
        .seek(.by(-1)), .seek(.first), .seek(.last), .seek(.to(7)), .requestSnapshot, .stop,
    ]

    static let result = EpochResult(epoch: 1, step: 469, trainLoss: 0.61, testLoss: 0.52, testAccuracy: 0.81,
                                    perClassAccuracy: [0.8, 0.9], confusion: [[8, 2], [1, 9]], seconds: 4.5)

    static let events: [TrainerEvent] = [
        .applied(1, "lr 0.1 → 0.2"), .refused(2, "not running (paused)"), .epochFinished(result),
        .diverged(step: 40, loss: .infinity), .saved(path: "checkpoints/step-000050.safetensors"), .reachedStep(12),
        .finished, .stopped, .failed("reading a batch: truncated"), .warning("loss far above its start"),
    ]

    @Test func everyCommandAndEventRoundTrips() throws {
        for command in Self.commands { #expect(try Self.roundTrip(command) == command) }
        for event in Self.events { #expect(try Self.roundTrip(event) == event) }
    }

    @Test func unlabelledValuesHaveDocumentedNames() throws {
        #expect(try Self.json(TrainerCommand.step(3)) == #"{"step":{"count":3}}"#)
        #expect(try Self.json(TrainerCommand.seek(.by(-1))) == #"{"seek":{"move":{"by":{"offset":-1}}}}"#)
        #expect(try Self.json(TrainerCommand.setSpeed(stepsPerSecond: nil)) == #"{"setSpeed":{}}"#)
        #expect(try Self.json(TrainerCommand.pause) == #"{"pause":{}}"#)
        #expect(try Self.json(TrainerEvent.applied(4, "ok")) == #"{"applied":{"id":4,"text":"ok"}}"#)
        #expect(try Self.json(TrainerEvent.diverged(step: 3, loss: .nan)) == #"{"diverged":{"loss":"nan","step":3}}"#)
        #expect(try Self.json(RunState.failed("x")) == #"{"failed":{"message":"x"}}"#)
    }

    /// A snapshot with every optional part filled, NaN and infinities included.
    static func fullSnapshot() -> TrainingSnapshot {
        let histogram = Histogram(counts: [0, 3, 5, 0], low: -1, high: 1, below: 1, above: 0, count: 9,
                                  mean: .nan, std: 0.5, min: -.infinity, max: 1)
        let parameter = ParameterSnapshot(
            name: "0.weight", shape: [2, 4], values: histogram,
            initialization: InitRecord(method: InitChoice(name: "default"), step: 0, spread: .uniform(low: -0.5, high: 0.5),
                                       before: .empty, after: histogram),
            gradient: GradientStats(l2Norm: 1, mean: 0, std: 0.1, maxAbs: .infinity, zeroFraction: 0.25, updateRatio: 1e-3),
            gradientText: "tensor([[0.1, nan]])", tiles: [0, 1, 2, 3], gradientTiles: [.nan, 1, 2, 3], tileShape: [1, 2, 2],
            normHistory: [1, .nan])
        let batch = BatchPreview(channels: 3, width: 2, height: 1, pixels: [1, 2, 3, 4, 5, 6], labels: [1], predictions: [0],
                                 confidences: [0.7], losses: [.infinity])
        return TrainingSnapshot(
            sequence: 4, state: .diverged(step: 3), step: 3, epoch: 1, totalEpochs: 2, stepInEpoch: 3, stepsPerEpoch: 10,
            samplesPerSecond: 100, learningRate: 0.1, optimizerDescription: "SGD(lr=0.1)", optimizerName: "SGD",
            modelDescription: "mlp", batchSize: 64, initDescription: "default()", classNames: ["a", "b"], imageShape: [3, 1, 2],
            epochResults: [result], parameters: [parameter], batch: batch,
            journal: [JournalEntry(step: 2, kind: .learningRate, text: "lr 0.1 → 0.2")], initChoices: [InitChoice(name: "zeros_")],
            lossCount: 3, seconds: 1.5, speedLimit: 5, timeline: TimelinePosition(index: 1, count: 4, playing: true, damage: "truncated"))
    }

    @Test func aFullSnapshotRoundTripsWithNonFiniteNumbers() throws {
        let snapshot = Self.fullSnapshot()
        let back = try Self.roundTrip(snapshot)
        // NaN != NaN, so compare the bytes of a second encoding.
        #expect(try Self.json(back) == (try Self.json(snapshot)))
        #expect(back.parameters[0].values.mean.isNaN)
        #expect(back.parameters[0].gradient?.maxAbs == .infinity)
        #expect(back.batch?.channels == 3 && back.imageShape == [3, 1, 2])
        #expect(back.timeline?.damage == "truncated")
    }

    /// The examples in docs/TELEMETRY.md (copied here as fixtures) decode to what the page says.
    @Test func documentedExamplesDecode() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/schema-v1-examples", withExtension: "json"))
        struct Examples: Decodable {
            var commands: [TrainerCommand]
            var events: [TrainerEvent]
            var snapshot: TrainingSnapshot
        }
        let examples = try TelemetryCoding.decoder().decode(Examples.self, from: Data(contentsOf: url))
        #expect(examples.commands == [.step(1), .setLearningRate(0.01), .setSpeed(stepsPerSecond: 2), .seek(.to(0)), .togglePause])
        #expect(examples.events.count == 3)
        #expect(examples.snapshot.step == 120 && examples.snapshot.imageShape == [1, 28, 28])
        #expect(examples.snapshot.parameters.first?.tileShape == [1, 28, 28])
        // The compact forms (packed tiles and pixels, zero runs) and the plain ones side by side.
        let packed = examples.snapshot.parameters[1]
        #expect(packed.values.counts == [0, 0, 0, 5, 0, 1])
        #expect(packed.tiles == [0, 1, 2, 3] && packed.gradientTileCount == 1 && packed.gradientTiles[1].isNaN)
        #expect(examples.snapshot.batch?.pixels == [0, 255])
    }

    @Test func sizesFromAPeerNeverTrap() {
        var snapshot = Self.fullSnapshot()
        snapshot.parameters[0].shape = [Int.max, 3]
        #expect(snapshot.parameterCount == Int.max)
        snapshot.parameters[0].tileShape = [Int.max, Int.max, 2]
        #expect(snapshot.parameters[0].tileSize == 0)
        var batch = snapshot.batch!
        batch.channels = -4
        #expect(batch.imageSize == 0)
    }

    @Test func speedLadder() {
        #expect(SpeedText.describe(nil) == "unlimited")
        #expect(SpeedText.describe(1) == "1 step/s")
        #expect(SpeedText.describe(0.5) == "0.5 steps/s")
        #expect(SpeedText.slower(than: nil) == 500)
        #expect(SpeedText.faster(than: 500) == nil)
        #expect(SpeedText.slower(than: 1) == 1)
        #expect(SpeedText.faster(than: 3) == 5)
    }
}
