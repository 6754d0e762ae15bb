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

/// Calls `body` with a parameter's values (mutable), its gradient, and extra state buffers (mutable).
///
/// All buffers are contiguous with the parameter's element count; this is the optimizers' hot loop.
func updateInPlace(
    _ parameter: Tensor, gradient: Tensor, state: [Tensor],
    _ body: (UnsafeMutableBufferPointer<Float>, UnsafePointer<Float>, [UnsafeMutablePointer<Float>]) -> Void
) {
    gradient.withFloats { g in
        parameter.withMutableFloats { p in
            var pointers: [UnsafeMutablePointer<Float>] = []
            func nest(_ index: Int) {
                if index == state.count {
                    body(p, g, pointers)
                    return
                }
                state[index].withMutableFloats { buffer in
                    pointers.append(buffer.baseAddress!)
                    nest(index + 1)
                }
            }
            nest(0)
        }
    }
}

/// Python's repr of a float hyperparameter (`0.001`, `0.9`).
func formatHyperparameter(_ value: Float) -> String { "\(value)" }
