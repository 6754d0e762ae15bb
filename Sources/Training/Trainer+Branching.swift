import Checkpoints
import Foundation
import Datasets
import NN
import Optim
import Tensors
import Telemetry

/// One branch of a run: where it came from and, while another branch trains, everything it
/// needs to go on from where it stopped.
struct Branch {
    let name: String
    /// The branch it was made from (index into `Trainer.branches`); nil for A.
    let parent: Int?
    /// The parent's step it started from.
    let fromStep: Int
    /// What it changed, e.g. `lr 0.001 → 0.01`.
    let change: String
    /// Its state while it waits; nil while it trains (the trainer's own fields hold it then).
    var waiting: BranchProgress?
}

/// A waiting branch's share of the trainer: the model's values, the optimizer, the data and the counters.
///
/// Every field is the trainer field of the same name (see `Trainer`), as the branch left it.
struct BranchProgress {
    /// The model's parameters and buffers, in `Trainer.branchTensors` order.
    var values: [Tensor]
    /// Each parameter's `.grad` (nil where it had none), for the gradient panel.
    var gradients: [Tensor?]
    var optimizer: Optimizer
    var optimizerKind: OptimizerKind
    var loader: DataLoader<Subset<FashionMNIST>>
    var epochBatches: DataLoader<Subset<FashionMNIST>>.Iterator?
    var step: Int
    var epochsDone: Int
    var stepInEpoch: Int
    var segment: Int
    var epochLossSum: Double
    var epochSeconds: Double
    var epochSamples: Int
    var epochResults: [EpochResult]
    var journal: [JournalEntry]
    var lossWatch: LossWatch
    var throughput: Throughput
    var lastBatch: (images: Tensor, labels: Tensor, logits: Tensor)?
    var initRecords: [String: InitRecord]
    var normHistory: [String: [Double]]
    var normHistoryStep: [String: Int]
    /// Finished or diverged stay so; otherwise the branch goes on as the run does (`RunControl.branchSwitched`).
    var runState: RunState
}

extension Trainer {
    /// Branches allowed in one run: each keeps a copy of the model and its optimizer state.
    static let maximumBranches = 8

    /// The tensors a branch keeps its own values of: every parameter, then every buffer.
    var branchTensors: [Tensor] { parameters.map(\.tensor) + model.buffers() }

    /// Starts a branch from the active one's step: same weights, optimizer state and place in
    /// the data, then `change`; the new branch trains from now on.
    func branch(_ change: BranchChange) throws -> String {
        guard branches.count < Self.maximumBranches else {
            throw Refusal("the run has \(branches.count) branches, the most it keeps; switch to one (B) and go on there")
        }
        if case .finished = control.state {
            throw Refusal("branch \(branches[activeBranch].name) has finished its \(config.epochs) epochs; branch before the last epoch ends")
        }
        // Check the change before anything moves: a refused branch changes nothing.
        let newKind: OptimizerKind?
        switch change {
        case .none: newKind = nil
        case .scaleLearningRate(let factor):
            try Self.checkLearningRateFactor(factor)
            newKind = nil
        case .optimizer(let name):
            do { newKind = try OptimizerKind(name: name) } catch { throw Refusal("\(error.description)") }
        case .batchSize(let size):
            guard size > 0 else { throw Refusal("the batch size must be at least 1, got \(size)") }
            newKind = nil
        case .checkpoint: newKind = nil
        }
        let parentIndex = activeBranch, parentName = branches[parentIndex].name, at = step
        // The parent waits with copies of everything; the trainer's own fields go on as the branch.
        let parent = stash(copying: true)
        if case .checkpoint(let path) = change {
            // A load that fails changes nothing (strict, checked before any tensor is written).
            try model.loadStateDict(from: URL(fileURLWithPath: path))
            // A divergence from here on goes back to these weights, not the parent's.
            noGrad { for (backup, p) in zip(lastFinite, parameters) { backup.copy_(p.tensor) } }
            lastFiniteStep = step
        }
        branches[parentIndex].waiting = parent
        let oldLR = Double(optimizer.lr)
        var text: String
        switch change {
        case .none:
            text = "same settings"
        case .scaleLearningRate(let factor):
            optimizer.lr = Float(LearningRateRange.clamp(oldLR * factor))
            text = "lr \(Self.shortNumber(oldLR)) → \(Self.shortNumber(Double(optimizer.lr)))"
        case .optimizer:
            let kind = newKind ?? optimizerKind
            let old = optimizer.name
            // Another family: its hyperparameters as the run's settings give them (AdamW's own
            // weight decay, not Adam's 0), only the learning rate carried over.
            optimizer = Self.makeOptimizer(kind, config, parameters.map(\.tensor), learningRate: oldLR)
            optimizerKind = kind
            text = "\(old) → \(optimizer.name) (fresh state)"
        case .batchSize(let size):
            let old = loader.batchSize
            let rest = epochBatches?.remainingIndices
            loader = loader.branched(batchSize: size)
            epochBatches = rest.map { loader.makeIterator(continuing: $0) }
            text = "batch size \(old) → \(size)"
        case .checkpoint(let path):
            // The same family, fresh state: what was tuned live (momentum, betas, ...) stays.
            let previous = optimizer
            optimizer = Self.makeOptimizer(optimizerKind, config, parameters.map(\.tensor), learningRate: oldLR)
            previous.copyHyperparameters(to: optimizer)
            // The journal says `saved /absolute/path`; the list may name it relative to here.
            let file = URL(fileURLWithPath: path).standardizedFileURL.path
            let saved = journal.last { entry in
                entry.kind == .save && entry.text.hasPrefix("saved ")
                    && URL(fileURLWithPath: String(entry.text.dropFirst(6))).standardizedFileURL.path == file
            }.map { " (saved at step \($0.step))" } ?? ""
            text = "weights of \(URL(fileURLWithPath: path).lastPathComponent)\(saved), fresh \(optimizer.name) state"
        }
        let index = branches.count
        let name = BranchSummary.name(index)
        branches.append(Branch(name: name, parent: parentIndex, fromStep: at, change: text))
        activeBranch = index
        lossWatch.rearm()
        throughput.reset()
        let said = "branch \(name) from \(parentName) at step \(at): \(text)"
        journal.append(JournalEntry(step: at, kind: .branch, text: said))
        branches[parentIndex].waiting?.journal.append(JournalEntry(step: at, kind: .branch, text: said))
        return said + "; B switches branch"
    }

    /// Trains another branch: `index`, or the next one after the active.
    func switchBranch(to index: Int?) throws -> String {
        guard branches.count > 1 else { throw Refusal("the run has no branch yet: b branches it here") }
        let target = index ?? (activeBranch + 1) % branches.count
        guard branches.indices.contains(target) else {
            throw Refusal("there is no branch \(target); the run has \(branches.count) (\(branches.map(\.name).joined(separator: ", ")))")
        }
        guard target != activeBranch else { return "branch \(branches[target].name) trains already" }
        guard let progress = branches[target].waiting else { return "branch \(branches[target].name) trains already" }
        branches[activeBranch].waiting = stash(copying: false)
        restore(progress)
        branches[target].waiting = nil
        activeBranch = target
        control.branchSwitched(to: progress.runState)
        snapshotRequested = true
        return "branch \(branches[target].name) trains now (step \(step)); B switches again"
    }

    /// The active branch's state; with `copying`, copies of the values and the optimizer that the
    /// trainer goes on changing, else the live objects (the trainer is about to take another's).
    private func stash(copying: Bool) -> BranchProgress {
        let (values, gradients) = noGrad {
            (branchTensors.map { $0.detach().clone() }, parameters.map { $0.tensor.grad?.detach().clone() })
        }
        let data = copying ? loader.branched(batchSize: loader.batchSize) : loader
        let rest = copying ? epochBatches.map { data.makeIterator(continuing: $0.remainingIndices) } : epochBatches
        return BranchProgress(
            values: values, gradients: gradients, optimizer: copying ? optimizer.copy() : optimizer, optimizerKind: optimizerKind,
            loader: data, epochBatches: rest, step: step, epochsDone: epochsDone, stepInEpoch: stepInEpoch, segment: segment,
            epochLossSum: epochLossSum, epochSeconds: epochSeconds, epochSamples: epochSamples, epochResults: epochResults,
            journal: journal, lossWatch: lossWatch, throughput: throughput, lastBatch: lastBatch, initRecords: initRecords,
            normHistory: normHistory, normHistoryStep: normHistoryStep, runState: control.state)
    }

    /// Makes `progress` the trainer's state: the model takes its values, the counters its counts.
    private func restore(_ progress: BranchProgress) {
        noGrad {
            for (tensor, value) in zip(branchTensors, progress.values) { tensor.copy_(value) }
            for (backup, p) in zip(lastFinite, parameters) { backup.copy_(p.tensor) }
        }
        for (p, gradient) in zip(parameters, progress.gradients) { p.tensor.grad = gradient }
        optimizer = progress.optimizer
        optimizerKind = progress.optimizerKind
        loader = progress.loader
        epochBatches = progress.epochBatches
        step = progress.step
        lastFiniteStep = progress.step
        epochsDone = progress.epochsDone
        stepInEpoch = progress.stepInEpoch
        segment = progress.segment
        epochLossSum = progress.epochLossSum
        epochSeconds = progress.epochSeconds
        epochSamples = progress.epochSamples
        epochResults = progress.epochResults
        journal = progress.journal
        lossWatch = progress.lossWatch
        throughput = progress.throughput
        lastBatch = progress.lastBatch
        initRecords = progress.initRecords
        normHistory = progress.normHistory
        normHistoryStep = progress.normHistoryStep
    }

    /// A learning rate as people write it: `0.01`, not float32's `0.010000001`.
    static func shortNumber(_ value: Double) -> String { String(format: "%g", value) }

    /// The branches as a snapshot shows them; empty until the run branches.
    func branchSummaries() -> [BranchSummary] {
        guard branches.count > 1 else { return [] }
        return branches.map { branch in
            let (branchStep, lr) = branch.waiting.map { ($0.step, Double($0.optimizer.lr)) } ?? (step, Double(optimizer.lr))
            return BranchSummary(name: branch.name, parent: branch.parent, fromStep: branch.fromStep, change: branch.change,
                                 step: branchStep, learningRate: lr)
        }
    }
}

