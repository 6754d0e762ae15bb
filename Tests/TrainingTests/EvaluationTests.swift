import Datasets
import NN
import Tensors
import Testing
import Training

/// `Evaluation` on models whose output does not give one score per class.
@Suite struct EvaluationTests {
    let data = try! TensorDataset(Tensor(shape: [4, 3], scalars: (0..<12).map(Float.init)), Tensor(shape: [4], int64Scalars: [0, 1, 2, 1]))

    @Test(arguments: [2, 5])
    func aModelWithTheWrongNumberOfScoresIsRefused(outputs: Int) {
        #expect {
            try Evaluation(model: Linear(3, outputs), data: data, classes: 3)
        } throws: { error in
            (error as? TensorError)?.message == "the model gives scores of shape [4, \(outputs)] for 4 images; evaluation needs [4, 3], one score per class"
        }
    }

    @Test func aModelWithOneScorePerClassIsEvaluated() throws {
        let result = try Evaluation(model: Linear(3, 3), data: data, classes: 3)
        #expect(result.count == 4)
        #expect(result.confusion.joined().reduce(0, +) == 4)
    }
}
