import Tensors

/// Updates parameters from their gradients, PyTorch's `torch.optim.Optimizer`.
///
/// The learning rate and every other hyperparameter are plain properties, readable and
/// writable between steps, and by name through `TunableHyperparameters` (the dashboard
/// changes them live without knowing the optimizer's type).
public protocol Optimizer: TunableHyperparameters {
    /// The tensors this optimizer updates, in order.
    var parameters: [Tensor] { get }
    /// The learning rate used by the next `step()`.
    var lr: Float { get set }
    /// The hyperparameters as `name=value` pairs, for display and journals.
    var hyperparameters: [(name: String, value: String)] { get }
    /// Applies one update using each parameter's current `grad` (parameters without one are skipped).
    func step()
    /// An optimizer of the same kind and hyperparameters for the same parameters, with a copy of
    /// this one's state (its own buffers): a branch of a run trains on from where this one is.
    func copy() -> any Optimizer
}

extension Optimizer {
    /// Resets every parameter's gradient to nil (PyTorch's default), or to zeros.
    public func zeroGrad(setToNone: Bool = true) {
        for p in parameters {
            if setToNone { p.grad = nil } else { p.grad?.zero_() }
        }
    }
}

/// Checks hyperparameters the way PyTorch's constructors do, naming the bad value.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    precondition(condition, message())
}

/// Python's repr of a float hyperparameter (`0.001`, `0.9`).
func formatHyperparameter(_ value: Float) -> String { "\(value)" }
