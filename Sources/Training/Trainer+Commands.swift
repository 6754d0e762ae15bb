import Checkpoints
import Foundation
import NN
import Optim
import Tensors
import Telemetry

extension Trainer {
    /// Applies one command between steps; returns its acknowledgement (a refusal carries the
    /// error's own description: typed errors from NN, Optim and Checkpoints name no CLI flags).
    func handle(_ command: TrainerCommand, id: CommandID) -> TrainerEvent {
        do {
            return .applied(id, try apply(command))
        } catch {
            return .refused(id, "\(error)")
        }
    }

    private func apply(_ command: TrainerCommand) throws -> String {
        switch command {
        case .pause: return try control.pause(atStep: step)
        case .resume: return try control.resume(atStep: step)
        case .togglePause: return try control.togglePause(atStep: step)
        case .step(let n): return try control.step(n)
        case .advance(let n):
            try control.advance(n)
            return ""  // scripted: nothing to show on screen
        case .setLearningRate(let value):
            return try setLearningRate(value)
        case .scaleLearningRate(let factor):
            try Self.checkLearningRateFactor(factor)
            return try setLearningRate(Double(optimizer.lr) * factor)
        case .setHyperparameter(let name, let value):
            return try setHyperparameter(name, value)
        case .reinitialize(let target, let choice):
            return try reinitialize(target, try InitMethod(choice: choice))
        case .reset:
            return try reset(initializingWith: config.initMethod)
        case .save(let path):
            return try save(to: path)
        case .load(let path):
            return try load(from: path)
        case .setSpeed(let stepsPerSecond):
            return try control.setSpeed(stepsPerSecond)
        case .seek:
            throw Refusal("a live run has no timeline to move through")
        case .requestSnapshot:
            return ""  // nothing to tell a user
        case .stop:
            return control.stop(atStep: step)
        case .branch(let change):
            return try branch(change)
        case .switchBranch(let index):
            return try switchBranch(to: index)
        }
    }

    /// Refuses a learning-rate factor that is not a positive finite number.
    static func checkLearningRateFactor(_ factor: Double) throws(Refusal) {
        guard factor > 0, factor.isFinite else { throw Refusal("the learning-rate factor must be positive, got \(factor)") }
    }

    private func setLearningRate(_ value: Double) throws -> String {
        guard value >= 0, !value.isNaN else { throw Refusal("the learning rate must be a non-negative number, got \(value)") }
        let old = optimizer.lr
        let clamped = LearningRateRange.clamp(value)
        optimizer.lr = Float(clamped)
        lossWatch.rearm()
        var text = "lr \(old) → \(optimizer.lr)"
        let asked = String(format: "%g", value)
        if clamped < value { text += " (the largest learning rate allowed; asked for \(asked))" }
        if clamped > value { text += " (the smallest positive learning rate allowed; asked for \(asked))" }
        journal.append(JournalEntry(step: step, kind: .learningRate, text: text))
        return text
    }

    /// Sets an optimizer hyperparameter by name (the optimizer checks the name and the value);
    /// `lr` goes through `setLearningRate`, which clamps it and re-arms the loss watch.
    private func setHyperparameter(_ name: String, _ value: Double) throws -> String {
        if name == "lr" { return try setLearningRate(value) }
        try optimizer.setHyperparameter(name, to: value)
        let text = "\(name) = \(value)"
        journal.append(JournalEntry(step: step, kind: .hyperparameter, text: text))
        return text
    }

    /// Starts over with the run's starting settings: fresh initialisation by `method` (the
    /// configured one; nil for PyTorch's default), a fresh optimizer with
    /// the configured learning rate and hyperparameters (a diverged lr is not kept), epoch 1, a
    /// new curve segment. A paused (or diverged) run stays paused; a running or finished one runs.
    ///
    /// A re-initialisation that fails refuses the reset (naming the method and parameter) before
    /// anything else is reset.
    func reset(initializingWith method: InitMethod?) throws -> String {
        do {
            try applyStartingInitialization(method, atStart: false)
        } catch {
            throw Refusal("reset stopped re-initialising: \(error); the optimizer, epochs and loss curve are unchanged")
        }
        optimizer = Self.makeOptimizer(optimizerKind, config, parameters.map(\.tensor), learningRate: config.learningRate)
        epochBatches = nil
        epochsDone = 0
        stepInEpoch = 0
        epochLossSum = 0
        epochSeconds = 0
        epochSamples = 0
        epochResults = []
        segment += 1
        control.reset()
        throughput.reset()
        lossWatch = LossWatch()
        let text = "reset at step \(step): re-initialised, optimizer state cleared, lr \(optimizer.lr)"
        journal.append(JournalEntry(step: step, kind: .reset, text: text))
        return text
    }

    /// Writes the model to `path` (a `.pth`/`.pt` path gets a PyTorch state dict, anything else a
    /// safetensors whole-model file), or to `checkpoints/step-<N>.safetensors`.
    func save(to path: String?) throws -> String {
        let url: URL
        if let path {
            url = URL(fileURLWithPath: path)
        } else {
            let folder = URL(fileURLWithPath: config.checkpointFolder)
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw Refusal("cannot create \(folder.path): \(error.localizedDescription)")
            }
            // A branched run's branches share steps: each names its own files.
            let branchSuffix = branches.count > 1 ? "-" + branches[activeBranch].name : ""
            url = folder.appendingPathComponent(String(format: "step-%06d", step) + branchSuffix + ".safetensors")
        }
        // safetensors: a whole-model file (architecture + weights); .pth/.pt: a PyTorch state dict.
        if CheckpointFormat(pathExtension: url.pathExtension) == .pytorch {
            try model.saveStateDict(to: url)
        } else {
            try ModelFile.save(model, to: url)
        }
        journal.append(JournalEntry(step: step, kind: .save, text: "saved \(url.path)"))
        controller.report(.saved(path: url.path))
        return "saved \(url.path)"
    }

    /// Loads weights strictly; a failed load changes nothing.
    func load(from path: String) throws -> String {
        try model.loadStateDict(from: URL(fileURLWithPath: path))
        // A divergence from here on goes back to the loaded weights.
        noGrad { for (backup, p) in zip(lastFinite, parameters) { backup.copy_(p.tensor) } }
        lastFiniteStep = step
        journal.append(JournalEntry(step: step, kind: .load, text: "loaded \(path)"))
        lossWatch = LossWatch()
        control.weightsReplaced()
        return "loaded \(path)"
    }
}
