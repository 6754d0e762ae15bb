import NN
import Tensors
import Telemetry

extension Trainer {
    /// Re-initialises one parameter or all of them, recording the histograms before and after.
    ///
    /// With all parameters, a method that needs two dims (xavier, kaiming, orthogonal, ...)
    /// fills the weights and sets the biases to zero (batch-norm weights to one); for one
    /// parameter it must fit its shape. PyTorch's default is each layer's own.
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
            try initialize(name, tensor, with: target == nil ? fillingMethod(method, forParameter: name, rank: tensor.rank) : method)
        }
        let text = "\(method.choice) on \(target ?? "all parameters")"
        journal.append(JournalEntry(step: step, kind: .reinitialize, text: text))
        lossWatch = LossWatch()  // new weights, new starting loss: a bad init is not a learning-rate problem
        return text
    }

    /// Puts the run's starting initialisation in place: `method` (the configured one) on every
    /// parameter, journalled as a re-initialisation, or PyTorch's default when it is nil.
    ///
    /// `atStart`: the model was just made with PyTorch's default values, which are recorded (as
    /// drawn over zeros) rather than drawn again. A method the shapes refuse is an error, never a
    /// quiet fall-back to the default.
    func applyStartingInitialization(_ method: InitMethod?, atStart: Bool) throws {
        if let method {
            _ = try reinitialize(nil, method)
            return
        }
        for (name, tensor) in parameters {
            if atStart {
                record(fillingMethod(.pytorchDefault, forParameter: name, rank: tensor.rank), on: name, tensor,
                       before: SnapshotBuilder.histogram(Tensor.zeros(tensor.shape)))
            } else {
                try initialize(name, tensor, with: fillingMethod(.pytorchDefault, forParameter: name, rank: tensor.rank))
            }
        }
    }

    /// Fills parameter `name` by `method` and records it; a failure names the method and the parameter.
    func initialize(_ name: String, _ tensor: Tensor, with method: InitMethod) throws {
        let before = SnapshotBuilder.histogram(tensor)
        do {
            try noGrad { try method.apply(to: tensor, fanIn: fanIn(of: name), generator: initGenerator) }
        } catch {
            throw Refusal("\(method.name) on \(name): \(error)")
        }
        record(method, on: name, tensor, before: before)
    }

    /// Records that `method` just initialised parameter `name`: what the dashboard shows beside
    /// its histograms (the method, its theoretical spread, the values before and after).
    func record(_ method: InitMethod, on name: String, _ tensor: Tensor, before: Histogram) {
        let spread = (try? method.spread(for: tensor.shape, fanIn: fanIn(of: name)))?.mark ?? .none
        initRecords[name] = InitRecord(method: method.choice, step: step, spread: spread,
                                       before: before, after: SnapshotBuilder.histogram(tensor))
    }
}
