import Datasets
import NN
import Tensors
import Telemetry

extension Trainer {
    /// Builds a snapshot from the live tensors and puts it in the controller's mailbox.
    func publishSnapshot() {
        snapshotRequested = false
        lastSnapshot = Clock.now()
        snapshotSequence += 1
        let lr = Double(optimizer.lr)
        var parameterSnapshots: [ParameterSnapshot] = []
        let imageShape = FashionMNIST.imageShape
        // The first convolution's filters are drawn as tiles, like a first Linear layer's rows.
        let firstConv = parameters.first { $0.tensor.rank == 4 }?.name
        for (name, tensor) in parameters {
            let stats = tensor.grad.map { SnapshotBuilder.gradientStats(tensor, $0, learningRate: lr) }
            // One history entry per step that had a snapshot (not per snapshot), so the history
            // does not depend on how commands happened to be batched.
            if let stats, normHistoryStep[name] != step {
                normHistoryStep[name] = step
                var history = normHistory[name, default: []]
                history.append(stats.l2Norm)
                if history.count > 120 { history.removeFirst(history.count - 120) }
                normHistory[name] = history
            }
            let isFilter = name == firstConv
            let tiles = isFilter ? SnapshotBuilder.filterTiles(tensor) : SnapshotBuilder.tiles(tensor, imageShape: imageShape)
            let gradientTiles = isFilter ? SnapshotBuilder.filterTiles(tensor.grad) : SnapshotBuilder.tiles(tensor.grad, imageShape: imageShape)
            parameterSnapshots.append(ParameterSnapshot(
                name: name, shape: tensor.shape, values: SnapshotBuilder.histogram(tensor),
                initialization: initRecords[name], gradient: stats,
                gradientText: tensor.grad?.description ?? "None",
                tiles: tiles, gradientTiles: gradientTiles,
                tileShape: tiles.isEmpty ? [] : isFilter ? Array(tensor.shape.dropFirst()) : imageShape,
                normHistory: normHistory[name, default: []]))
        }
        let preview = lastBatch.map { last in
            noGrad { SnapshotBuilder.preview(images: last.images, labels: last.labels, logits: last.logits, count: config.previewCount) }
        }
        let featureMaps = lastBatch.flatMap { SnapshotBuilder.featureMaps(model: model, images: $0.images, index: 0) }
        let snapshot = TrainingSnapshot(
            sequence: snapshotSequence, state: control.state, step: step,
            epoch: Swift.min(epochsDone + (stepInEpoch > 0 ? 1 : 0), config.epochs), totalEpochs: config.epochs,
            stepInEpoch: stepInEpoch, stepsPerEpoch: stepsThisEpoch, samplesPerSecond: throughput.samplesPerSecond,
            learningRate: lr, optimizerDescription: optimizer.name + "(" + optimizer.hyperparameters.map { "\($0.name)=\($0.value)" }.joined(separator: ", ") + ")",
            optimizerName: optimizer.name, modelDescription: config.model.description, batchSize: loader.batchSize,
            initDescription: (config.initMethod ?? .pytorchDefault).choice.description,
            classNames: FashionMNIST.classes, imageShape: imageShape, epochResults: epochResults, parameters: parameterSnapshots, batch: preview,
            journal: journal, initChoices: InitMethod.allWithDefaults.map(\.choice),
            lossCount: controller.losses(from: Int.max).next, seconds: Clock.now() - started,
            speedLimit: control.speedLimit, buffers: SnapshotBuilder.buffers(of: model), featureMaps: featureMaps,
            modelMode: SnapshotBuilder.mode(of: model), branches: branchSummaries(), branch: activeBranch)
        controller.publish(snapshot)
    }

    /// The steps of the epoch under way: the loader's count, except on a branch that changed the
    /// batch size mid-epoch (the steps so far at the old size, then the rest at the new one).
    var stepsThisEpoch: Int {
        guard loader.batchSize != config.batchSize, let epochBatches else { return loader.count }
        return stepInEpoch + epochBatches.remainingBatches
    }
}
