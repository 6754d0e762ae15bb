import Datasets
import NN
import Tensors
import Telemetry

/// Test-set loss, accuracy, per-class accuracy and the confusion matrix of a model.
public struct Evaluation: Sendable, Equatable {
    public var loss: Double
    public var accuracy: Double
    public var perClassAccuracy: [Double]
    /// confusion[true][predicted].
    public var confusion: [[Int]]
    public var count: Int

    /// Evaluates `model` on `data` in batches of `batchSize`, without recording gradients.
    public init(model: Module, data: some BatchSource, classes: Int = 10, batchSize: Int = 1000) throws {
        model.eval()
        defer { model.train() }
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        var lossSum = 0.0
        var start = 0
        while start < data.count {
            let indices = Array(start..<Swift.min(start + batchSize, data.count))
            let batch = try data.tensorBatch(indices)
            let (x, y) = (batch[0], batch[1])
            let (loss, predictions) = try noGrad { () throws -> (Float, [Int64]) in
                let logits = model(x)
                // Refuse before the loss and the confusion matrix index by class: a model from a
                // file may give 5 or 20 scores per image.
                guard logits.shape == [indices.count, classes] else {
                    throw TensorError("the model gives scores of shape \(Shape.describe(logits.shape)) for \(indices.count) images; evaluation needs [\(indices.count), \(classes)], one score per class")
                }
                return (Tensor.crossEntropy(logits, y, reduction: .sum).item(), try logits.argmax(dim: 1).int64Scalars)
            }
            lossSum += Double(loss)
            for (truth, guess) in zip(y.int64Scalars, predictions) { confusion[Int(truth)][Int(guess)] += 1 }
            start += batchSize
        }
        let n = data.count
        self.count = n
        self.loss = n > 0 ? lossSum / Double(n) : .nan
        let correct = (0..<classes).reduce(0) { $0 + confusion[$1][$1] }
        accuracy = n > 0 ? Double(correct) / Double(n) : .nan
        perClassAccuracy = confusion.enumerated().map { c, row in
            let total = row.reduce(0, +)
            return total > 0 ? Double(row[c]) / Double(total) : .nan
        }
        self.confusion = confusion
    }
}
