import AutogradLab
import NN
import Telemetry
import Tensors
import Testing

/// The stepper's graph of a model on one batch image: PyTorch's node names from the loss down to
/// every parameter, and stepping it through gives the gradients a plain backward gives.
struct ModelGraphTests {
    /// A tiny net on 2×2 images: Flatten → Linear(4, 3) → ReLU → Linear(3, 2).
    static func model(seed: UInt64) -> Module {
        let generator = Generator(seed: seed)
        return Sequential(Flatten(), Linear(4, 3, generator: generator), ReLU(), Linear(3, 2, generator: generator))
    }

    /// Two 2×2 grey images (bytes), labels 1 and 0.
    static let batch = preview([0, 64, 128, 255, 255, 200, 10, 0], labels: [1, 0])

    static func preview(_ pixels: [UInt8], labels: [Int]) -> BatchPreview {
        BatchPreview(channels: 1, width: 2, height: 2, pixels: pixels, labels: labels, predictions: [], confidences: [], losses: [])
    }

    @Test func theGraphRunsFromTheLossToEveryParameterAndStepsToTheSameGradients() throws {
        let session = try ModelGraph.session(model: Self.model(seed: 3), batch: Self.batch, sample: 1, classNames: ["zero", "one"])
        let view = session.view
        #expect(view.program == "model.eval(); x = batch image 2 (zero); logits = model(x); loss = F.cross_entropy(logits, tensor([0]))")
        let labels = view.rows.map(\.label)
        #expect(Array(labels.prefix(3)) == ["NllLossBackward0", "LogSoftmaxBackward0", "AddmmBackward0"] && view.rows.first?.name == "loss")
        #expect(labels.contains("ReluBackward0") && labels.filter { $0 == "AddmmBackward0" }.count == 2)
        #expect(labels.filter { $0 == "TBackward0" }.count == 2)
        #expect(Set(view.rows.filter(\.isLeaf).map(\.label)) == ["1.weight", "1.bias", "3.weight", "3.bias"])
        #expect(session.seeds == [.implicit])
        session.begin(.implicit, retainGraph: false)
        session.finish()
        let stepped = session.view.rows.filter(\.isLeaf).map { $0.label + " " + ($0.grad ?? "None") }

        // The same model and image with a plain backward.
        let twin = Self.model(seed: 3)
        twin.eval()
        let x = Tensor(shape: [1, 1, 2, 2], scalars: [255, 200, 10, 0].map { Float($0) / 255 })
        try Tensor.crossEntropy(twin(x), Tensor(shape: [1], int64Scalars: [0])).backward()
        let names = Dictionary(uniqueKeysWithValues: twin.namedParameters().map { ($0.name, $0.tensor) })
        for row in stepped {
            let name = String(row.prefix { $0 != " " })
            let expected = try #require(names[name]?.grad).description.split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            #expect(row == name + " " + expected)
        }
    }

    @Test func aSampleOutsideTheBatchOrALabelTheModelDoesNotScoreIsAProblem() {
        #expect(throws: ModelGraphProblem.self) { try ModelGraph.session(model: Self.model(seed: 1), batch: Self.batch, sample: 2, classNames: []) }
        let strange = Self.preview([0, 0, 0, 0], labels: [7])
        #expect(throws: ModelGraphProblem.self) { try ModelGraph.session(model: Self.model(seed: 1), batch: strange, sample: 0, classNames: []) }
        let short = Self.preview([0, 0], labels: [1])
        #expect(throws: ModelGraphProblem.self) { try ModelGraph.session(model: Self.model(seed: 1), batch: short, sample: 0, classNames: []) }
    }
}
