import Checkpoints
import NN

/// A model's architecture and weights as plain values, handed from the trainer's thread to
/// whoever asked (`TrainerController.modelCopy`), who rebuilds the module on their own.
struct ModelCopy: Sendable {
    let spec: ModuleSpec
    let weights: Checkpoint
}

extension Trainer {
    /// The model as it is now; nil for one the module specs cannot describe.
    func modelCopy() -> ModelCopy? {
        guard let spec = try? ModuleSpec(describing: model) else { return nil }
        return ModelCopy(spec: spec, weights: Checkpoint(model.stateDict()))
    }
}
