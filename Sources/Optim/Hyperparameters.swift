/// Reading and changing an optimizer's hyperparameters by name, between steps.
///
/// Each optimizer lists what can be tuned (`tunables`); this protocol's extension does the rest
/// (lookup, validation, typed errors), so a caller such as a trainer never needs to know which
/// optimizer it holds.
public protocol TunableHyperparameters: AnyObject {
    /// PyTorch's class name, e.g. `Adam`.
    var name: String { get }
    /// The hyperparameters that can be read and changed, in display order.
    var tunables: [Hyperparameter] { get }
}

/// One named hyperparameter of a live optimizer: its allowed values and how to read and write it.
public struct Hyperparameter {
    /// The name PyTorch's `param_groups` use (`lr`, `momentum`, `weight_decay`), or for a pair
    /// PyTorch keeps as a tuple, one name per member (`beta1`, `beta2`).
    public let name: String
    public let allowed: HyperparameterRange
    /// Reads the current value (a flag reads as 0 or 1).
    public let get: () -> Double
    /// Why `value` cannot be set now given the other hyperparameters (e.g. Nesterov without
    /// momentum), or nil; checked after `allowed`.
    let conflict: (Double) -> String?
    /// Writes a value already checked against `allowed` and `conflict`.
    let set: (Double) -> Void
}

/// The values a hyperparameter accepts.
public enum HyperparameterRange: Sendable, Equatable, CustomStringConvertible {
    /// A number ≥ 0 that a 32-bit float holds (a learning rate, ε, weight decay).
    case nonNegative
    /// A number in [0, 1) (momentum, β).
    case unitInterval
    /// 0 (off) or 1 (on).
    case flag

    public func contains(_ value: Double) -> Bool {
        switch self {
        case .nonNegative: value >= 0 && value <= Double(Float.greatestFiniteMagnitude)
        case .unitInterval: value >= 0 && value < 1
        case .flag: value == 0 || value == 1
        }
    }

    public var description: String {
        switch self {
        case .nonNegative: "a number from 0 to \(Float.greatestFiniteMagnitude)"
        case .unitInterval: "in [0, 1)"
        case .flag: "0 (off) or 1 (on)"
        }
    }
}

/// Why a hyperparameter could not be read or set; each case names the hyperparameter.
public enum HyperparameterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The optimizer has no hyperparameter of that name.
    case unknown(name: String, optimizer: String, known: [String])
    /// The value is outside what the hyperparameter accepts.
    case outOfRange(name: String, value: Double, allowed: HyperparameterRange)
    /// The value is allowed on its own but not with the optimizer's other settings.
    case conflict(name: String, reason: String)

    public var description: String {
        switch self {
        case .unknown(let name, let optimizer, let known):
            "\(optimizer) has no hyperparameter '\(name)'; it has \(known.joined(separator: ", "))"
        case .outOfRange(let name, let value, let allowed):
            "\(name) must be \(allowed), got \(value)"
        case .conflict(let name, let reason):
            "\(name): \(reason)"
        }
    }
}

extension TunableHyperparameters {
    /// The names `hyperparameter(_:)` and `setHyperparameter(_:to:)` accept, in display order.
    public var hyperparameterNames: [String] { tunables.map(\.name) }

    /// The current value of `name`.
    public func hyperparameter(_ name: String) throws(HyperparameterError) -> Double {
        try tunable(name).get()
    }

    /// Sets `name` to `value` after checking it; a refused value changes nothing.
    public func setHyperparameter(_ name: String, to value: Double) throws(HyperparameterError) {
        let tunable = try tunable(name)
        guard tunable.allowed.contains(value) else { throw .outOfRange(name: name, value: value, allowed: tunable.allowed) }
        if let reason = tunable.conflict(value) { throw .conflict(name: name, reason: reason) }
        tunable.set(value)
    }

    /// Gives `other` every hyperparameter value of this optimizer that it also has and accepts
    /// (an SGD's lr and weight decay go to an Adam; its momentum does not); returns the names copied.
    @discardableResult
    public func copyHyperparameters(to other: some TunableHyperparameters) -> [String] {
        let theirs = Set(other.hyperparameterNames)
        var copied: [String] = []
        for tunable in tunables where theirs.contains(tunable.name) {
            if (try? other.setHyperparameter(tunable.name, to: tunable.get())) != nil { copied.append(tunable.name) }
        }
        return copied
    }

    private func tunable(_ name: String) throws(HyperparameterError) -> Hyperparameter {
        guard let found = tunables.first(where: { $0.name == name }) else {
            throw .unknown(name: name, optimizer: self.name, known: hyperparameterNames)
        }
        return found
    }
}

extension TunableHyperparameters {
    /// A `Float` property as a hyperparameter (what an optimizer's `tunables` list).
    func tunable(_ name: String, _ allowed: HyperparameterRange, _ property: ReferenceWritableKeyPath<Self, Float>,
                 conflict: @escaping (Double) -> String? = { _ in nil }) -> Hyperparameter {
        Hyperparameter(name: name, allowed: allowed, get: { Double(self[keyPath: property]) }, conflict: conflict,
                       set: { self[keyPath: property] = Float($0) })
    }

    /// A `Bool` property as a 0/1 hyperparameter.
    func tunable(_ name: String, _ property: ReferenceWritableKeyPath<Self, Bool>,
                 conflict: @escaping (Double) -> String? = { _ in nil }) -> Hyperparameter {
        Hyperparameter(name: name, allowed: .flag, get: { self[keyPath: property] ? 1 : 0 }, conflict: conflict,
                       set: { self[keyPath: property] = $0 != 0 })
    }
}
