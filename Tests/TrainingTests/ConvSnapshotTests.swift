import Foundation
import Testing
import NN
import Tensors
import Telemetry
@testable import Training

/// What snapshots show of a convolutional net: filter tiles, feature maps, buffers, the mode.
@Suite struct ConvSnapshotTests {
    /// The `cnn` preset's layers, made by hand.
    static func cnn() throws -> Sequential {
        let generator = Generator(seed: 3)
        return Sequential(
            try Conv2d(1, 16, kernelSize: 5, padding: 2, generator: generator), BatchNorm2d(16), ReLU(), MaxPool2d(kernelSize: 2),
            try Conv2d(16, 32, kernelSize: 5, padding: 2, generator: generator), BatchNorm2d(32), ReLU(), MaxPool2d(kernelSize: 2),
            Flatten(), Linear(1568, 10, generator: generator))
    }

    @Test func featureMapsAreTheBlocksOutputsForOneImageInEvalModeAndChangeNothing() throws {
        let model = try Self.cnn()
        let images = Tensor.rand([4, 1, 28, 28], generator: Generator(seed: 5))
        // One training step's forward, so the running statistics are not their initial values.
        _ = model(images)
        let statistics = model.namedBuffers().map { ($0.name, $0.tensor.clone()) }
        let maps = try #require(SnapshotBuilder.featureMaps(model: model, images: images, index: 2))
        #expect(maps.image == 2)
        #expect(maps.layers.map(\.name) == ["2", "3", "6", "7"])
        #expect(maps.layers.map(\.kind) == ["ReLU", "MaxPool2d", "ReLU", "MaxPool2d"])
        #expect(maps.layers.map(\.shape) == [[16, 28, 28], [16, 14, 14], [32, 14, 14], [32, 7, 7]])
        // At most 16 maps a layer: the 32-channel layers keep their first 16.
        #expect(maps.layers.map(\.mapCount) == [16, 16, 16, 16])
        #expect(maps.layers[3].values.count == 16 * 49)
        // The buffers and every module's mode are as they were.
        for ((name, before), (_, after)) in zip(statistics, model.namedBuffers()) {
            #expect(before.dtype == .float32 ? before.scalars == after.scalars : before.int64Scalars == after.int64Scalars, "\(name)")
        }
        #expect(model.modules().allSatisfy { $0.isTraining })
        // The maps are what the model computes in eval mode for that image alone.
        _ = model.eval()
        let expected = noGrad { model.layers[0...3].reduce(images[2..<3]) { $1($0) } }
        _ = model.train()
        #expect(maps.layers[1].values == expected.scalars)
        // A module left in eval mode stays there.
        _ = model.layers[1].eval()
        _ = SnapshotBuilder.featureMaps(model: model, images: images, index: 0)
        #expect(!model.layers[1].isTraining && model.layers[0].isTraining && model.isTraining)
    }

    @Test func modelsWithoutConvolutionsOrOutOfRangeImagesHaveNoFeatureMaps() throws {
        let mlp = Sequential(Flatten(), Linear(784, 10))
        let images = Tensor.rand([2, 1, 28, 28])
        #expect(SnapshotBuilder.featureMaps(model: mlp, images: images, index: 0) == nil)
        #expect(SnapshotBuilder.featureMaps(model: try Self.cnn(), images: images, index: 2) == nil)
        #expect(SnapshotBuilder.mode(of: mlp) == nil)
        #expect(SnapshotBuilder.buffers(of: mlp).isEmpty)
    }

    @Test func theFirstConvolutionsFiltersAreTilesOfTheirOwnShape() throws {
        let model = try Self.cnn()
        let conv = try #require(model.layers[0] as? Conv2d)
        let tiles = SnapshotBuilder.filterTiles(conv.weight)
        #expect(tiles == conv.weight.scalars)  // 16 filters of 1×5×5: all of them
        let second = try #require(model.layers[4] as? Conv2d)
        #expect(SnapshotBuilder.filterTiles(second.weight).count == 16 * 16 * 25)  // the first 16 of 32
        #expect(SnapshotBuilder.filterTiles(Tensor.zeros([10, 784])).isEmpty)
        // The fan-based bound the weights panel marks: fan-in = Cin·kH·kW = 25, ±1/√25.
        for (shape, fanIn) in [(conv.weight.shape, 25.0), (second.weight.shape, 400.0)] {
            guard case .uniform(let bound) = try InitMethod.pytorchDefault.spread(for: shape) else {
                Issue.record("not uniform")
                continue
            }
            #expect(abs(bound - 1 / fanIn.squareRoot()) < 1e-12, "\(shape): \(bound)")
        }
    }

    @Test func buffersAreListedWithTheirTypeAndTheModeIsKnown() throws {
        let model = try Self.cnn()
        _ = model(Tensor.rand([2, 1, 28, 28]))
        let buffers = SnapshotBuilder.buffers(of: model)
        #expect(buffers.map(\.name) == ["1.running_mean", "1.running_var", "1.num_batches_tracked",
                                         "5.running_mean", "5.running_var", "5.num_batches_tracked"])
        #expect(buffers[2].dtype == "int64" && buffers[2].shape == [] && buffers[2].values.mean == 1)
        #expect(buffers[0].dtype == "float32" && buffers[0].shape == [16])
        #expect(SnapshotBuilder.mode(of: model) == .train)
        _ = model.eval()
        #expect(SnapshotBuilder.mode(of: model) == .eval)
    }
}
