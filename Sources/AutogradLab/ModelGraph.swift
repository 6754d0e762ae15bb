import NN
import Telemetry
import Tensors

/// Why the model's graph cannot be built for a batch image.
public struct ModelGraphProblem: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// The graph of the current model on one batch image, for the autograd stepper: the image
/// through the model (in eval mode) to the cross-entropy with its label, every parameter a leaf.
public enum ModelGraph {
    /// A session whose output is `loss = F.cross_entropy(model(x), target)` for batch image
    /// `sample`, where `x` is the image as the model was given it (the preview's bytes ÷ 255).
    public static func session(model: Module, batch: BatchPreview, sample: Int, classNames: [String]) throws(ModelGraphProblem) -> AutogradSession {
        let size = batch.channels * batch.height * batch.width
        guard batch.labels.indices.contains(sample), size > 0, batch.pixels.count >= (sample + 1) * size else {
            throw ModelGraphProblem(description: "the batch has no image \(sample + 1) (it shows \(batch.labels.count))")
        }
        let label = batch.labels[sample]
        let pixels = batch.pixels[(sample * size)..<((sample + 1) * size)].map { Float($0) / 255 }
        let x = Tensor(shape: [1, batch.channels, batch.height, batch.width], scalars: pixels)
        model.eval()
        let logits = model(x)
        guard logits.rank == 2, logits.shape[0] == 1, (0..<logits.shape[1]).contains(label) else {
            throw ModelGraphProblem(description: "the model's output \(logits.shape) does not score label \(label)")
        }
        let target = Tensor(shape: [1], int64Scalars: [Int64(label)])
        // F.cross_entropy's graph in PyTorch: NllLossBackward0 on LogSoftmaxBackward0.
        guard let logProbabilities = try? logits.logSoftmax(dim: 1) else {
            throw ModelGraphProblem(description: "the model's output \(logits.shape) has no class dimension")
        }
        let loss = Tensor.nllLoss(logProbabilities, target)
        let parameters = model.namedParameters()
        var values: [String: Tensor] = ["x": x, "logits": logits, "loss": loss]
        for (name, tensor) in parameters { values[name] = tensor }
        let className = classNames.indices.contains(label) ? " (\(classNames[label]))" : ""
        let text = "model.eval(); x = batch image \(sample + 1)\(className); logits = model(x); "
            + "loss = F.cross_entropy(logits, tensor([\(label)]))"
        return AutogradSession(evaluation: Evaluation(leaves: parameters.map { ($0.name, $0.tensor) }, values: values,
                                                      outputName: "loss", output: loss), text: text)
    }
}
