import Checkpoints
import Foundation
import NN
import Optim
import Tensors
import Telemetry

extension Trainer {
    /// Applies one command between steps; returns its acknowledgement.
    func handle(_ command: TrainerCommand, id: CommandID) -> TrainerEvent {
        do {
            return .applied(id, try apply(command))
        } catch {
            return .refused(id, "\(error)")
        }
    }

    /// The reason a command cannot be applied now.
    struct Refusal: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    private func apply(_ command: TrainerCommand) throws -> String {
        switch command {
        case .pause:
            guard case .running = state else { throw Refusal("not running (\(state))") }
            state = .paused
            stepsToRun = nil
            return "paused at step \(step)"
        case .resume:
            try requireResumable()
            state = .running
            stepsToRun = nil
            return "resumed at step \(step)"
        case .togglePause:
            if case .running = state { return try apply(.pause) }
            return try apply(.resume)
        case .step(let n):
            guard n >= 1 else { throw Refusal("step needs a positive count, got \(n)") }
            try requireResumable()
            if config.manualStepping {
                // Scripted sessions: the same steps, reported when done (reachedStep).
                stateAfterAdvance = .paused
                advanceBudget = n
            } else {
                state = .running
                stepsToRun = n
            }
            return "running \(n) step\(n == 1 ? "" : "s")"
        case .advance(let n):
            guard n >= 1 else { throw Refusal("advance needs a positive count, got \(n)") }
            try requireResumable()
            stateAfterAdvance = state
            advanceBudget = n
            return ""  // scripted: nothing to show on screen
        case .setLearningRate(let value):
            return try setLearningRate(value)
        case .scaleLearningRate(let factor):
            guard factor > 0, factor.isFinite else { throw Refusal("the learning-rate factor must be positive, got \(factor)") }
            return try setLearningRate(Double(optimizer.lr) * factor)
        case .setHyperparameter(let name, let value):
            return try setHyperparameter(name, value)
        case .reinitialize(let target, let choice):
            let method: InitMethod
            do { method = try InitMethod(choice: choice) } catch { throw Refusal("\(error)") }
            return try reinitialize(target, method)
        case .reset:
            return reset()
        case .save(let path):
            return try save(to: path)
        case .load(let path):
            return try load(from: path)
        case .setSpeed(let stepsPerSecond):
            return try setSpeed(stepsPerSecond)
        case .seek:
            throw Refusal("a live run has no timeline to move through")
        case .requestSnapshot:
            return ""  // nothing to tell a user
        case .stop:
            state = .stopped
            return "stopping at step \(step)"
        }
    }

    /// Checks that training can go on from here; a diverged run goes on from paused.
    private func requireResumable() throws {
        switch state {
        case .paused, .running: return
        case .diverged:
            state = .paused
            return
        case .finished: throw Refusal("the run is finished; reset it to train again")
        default: throw Refusal("cannot resume: \(state)")
        }
    }

    /// Limits training to `stepsPerSecond` (nil: as fast as it can), so a class can watch each step.
    private func setSpeed(_ stepsPerSecond: Double?) throws -> String {
        guard let stepsPerSecond else {
            speedLimit = nil
            return "speed: unlimited"
        }
        guard stepsPerSecond.isFinite, stepsPerSecond > 0 else {
            throw Refusal("the speed must be a positive number of steps per second, got \(stepsPerSecond)")
        }
        speedLimit = Swift.min(stepsPerSecond, 1e6)
        return "speed: \(SpeedText.describe(speedLimit))"
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

    private func setHyperparameter(_ name: String, _ value: Double) throws -> String {
        guard value.isFinite else { throw Refusal("\(name) must be a number, got \(value)") }
        let v = Float(value)
        switch (optimizer, name) {
        case (_, "lr"): return try setLearningRate(value)
        case (let sgd as SGD, "momentum"):
            guard (0..<1).contains(v) else { throw Refusal("momentum must be in [0, 1), got \(value)") }
            sgd.momentum = v
        case (let sgd as SGD, "nesterov"):
            guard value == 0 || sgd.momentum > 0 else { throw Refusal("Nesterov momentum needs a momentum above 0") }
            sgd.nesterov = value != 0
        case (let sgd as SGD, "weight_decay"):
            guard v >= 0 else { throw Refusal("weight_decay must be non-negative, got \(value)") }
            sgd.weightDecay = v
        case (let adam as Adam, "weight_decay"):
            guard v >= 0 else { throw Refusal("weight_decay must be non-negative, got \(value)") }
            adam.weightDecay = v
        case (let adam as Adam, "beta1"):
            guard (0..<1).contains(v) else { throw Refusal("beta1 must be in [0, 1), got \(value)") }
            adam.betas.0 = v
        case (let adam as Adam, "beta2"):
            guard (0..<1).contains(v) else { throw Refusal("beta2 must be in [0, 1), got \(value)") }
            adam.betas.1 = v
        case (let adam as Adam, "eps"):
            guard v >= 0 else { throw Refusal("eps must be non-negative, got \(value)") }
            adam.eps = v
        default:
            let allowed = optimizer is SGD ? "lr, momentum, nesterov, weight_decay" : "lr, beta1, beta2, eps, weight_decay"
            throw Refusal("\(optimizer.name) has no hyperparameter '\(name)'; it has \(allowed)")
        }
        let text = "\(name) = \(value)"
        journal.append(JournalEntry(step: step, kind: .hyperparameter, text: text))
        return text
    }

    /// Re-initialises one parameter or all of them, recording the histograms before and after.
    ///
    /// With all parameters, a method that needs two dims (xavier, kaiming, orthogonal, ...)
    /// fills the weights and sets the biases to zero; for one parameter it must fit its shape.
    func reinitialize(_ target: String?, _ method: InitMethod) throws -> String {
        let targets: [(name: String, tensor: Tensor)]
        if let target {
            guard let found = parameters.first(where: { $0.name == target }) else {
                throw Refusal("no parameter '\(target)'; the model has \(parameters.map(\.name).joined(separator: ", "))")
            }
            guard found.tensor.rank >= 2 || method.worksOnVectors else {
                throw Refusal("\(method.name) needs a tensor with 2 or more dims; \(target) has shape \(found.tensor.shape)")
            }
            targets = [found]
        } else {
            targets = parameters
        }
        for (name, tensor) in targets {
            let applied = tensor.rank < 2 && !method.worksOnVectors ? InitMethod.zeros : method
            let before = SnapshotBuilder.histogram(tensor)
            do {
                try noGrad { try applied.apply(to: tensor, fanIn: fanIn(of: name), generator: initGenerator) }
            } catch {
                throw Refusal("\(applied.name) on \(name): \(error)")
            }
            let spread = (try? applied.spread(for: tensor.shape, fanIn: fanIn(of: name)))?.mark ?? .none
            initRecords[name] = InitRecord(method: applied.choice, step: step, spread: spread,
                                           before: before, after: SnapshotBuilder.histogram(tensor))
        }
        let text = "\(method.choice) on \(target ?? "all parameters")"
        journal.append(JournalEntry(step: step, kind: .reinitialize, text: text))
        lossWatch = LossWatch()  // new weights, new starting loss: a bad init is not a learning-rate problem
        return text
    }

    /// Starts over with the run's starting settings: fresh initialisation, a fresh optimizer with
    /// the configured learning rate and hyperparameters (a diverged lr is not kept), epoch 1, a
    /// new curve segment. A paused (or diverged) run stays paused; a running or finished one runs.
    func reset() -> String {
        if let choice = config.initMethod, let method = try? InitMethod(choice: choice) {
            _ = try? reinitialize(nil, method)
        } else {
            for (name, tensor) in parameters {
                let before = SnapshotBuilder.histogram(tensor)
                try? noGrad { try InitMethod.pytorchDefault.apply(to: tensor, fanIn: fanIn(of: name), generator: initGenerator) }
                let spread = (try? InitMethod.pytorchDefault.spread(for: tensor.shape, fanIn: fanIn(of: name)))?.mark ?? .none
                initRecords[name] = InitRecord(method: InitMethod.pytorchDefault.choice, step: step, spread: spread,
                                               before: before, after: SnapshotBuilder.histogram(tensor))
            }
        }
        optimizer = Self.makeOptimizer(config, parameters.map(\.tensor), learningRate: config.learningRate)
        epochBatches = nil
        epochsDone = 0
        stepInEpoch = 0
        epochLossSum = 0
        epochSeconds = 0
        epochResults = []
        segment += 1
        stepsToRun = nil
        switch state {
        case .paused, .diverged: state = .paused
        default: state = .running
        }
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
            url = folder.appendingPathComponent(String(format: "step-%06d.safetensors", step))
        }
        do {
            // safetensors: a whole-model file (architecture + weights); .pth/.pt: a PyTorch state dict.
            if CheckpointFormat(pathExtension: url.pathExtension) == .pytorch {
                try model.saveStateDict(to: url)
            } else {
                try ModelFile.save(model, to: url)
            }
        } catch {
            throw Refusal("\(error)")
        }
        journal.append(JournalEntry(step: step, kind: .save, text: "saved \(url.path)"))
        controller.report(.saved(path: url.path))
        return "saved \(url.path)"
    }

    /// Loads weights strictly; a failed load changes nothing.
    func load(from path: String) throws -> String {
        do {
            try model.loadStateDict(from: URL(fileURLWithPath: path))
        } catch {
            throw Refusal("\(error)")
        }
        journal.append(JournalEntry(step: step, kind: .load, text: "loaded \(path)"))
        lossWatch = LossWatch()
        if case .diverged = state { state = .paused }
        return "loaded \(path)"
    }
}
