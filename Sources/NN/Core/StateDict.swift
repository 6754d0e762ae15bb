import Tensors

/// Named tensors in order, PyTorch's `state_dict()` (an `OrderedDict[str, Tensor]`).
public struct StateDict: Sequence, CustomStringConvertible {
    /// The entries in order.
    public private(set) var entries: [(name: String, tensor: Tensor)]
    /// Each name's position in `entries`, so lookups stay constant-time for 100,000 tensors.
    private var positions: [String: Int] = [:]

    /// Creates a state dict from entries in order; later duplicates replace earlier ones.
    public init(_ entries: [(name: String, tensor: Tensor)] = []) {
        self.entries = []
        for (name, tensor) in entries { self[name] = tensor }
    }

    /// The names in order.
    public var keys: [String] { entries.map(\.name) }

    /// The number of entries.
    public var count: Int { entries.count }

    /// The tensor stored under `name`; setting nil removes it, setting a new name appends it.
    public subscript(name: String) -> Tensor? {
        get { positions[name].map { entries[$0].tensor } }
        set {
            switch (positions[name], newValue) {
            case (let i?, let t?):
                entries[i].tensor = t
            case (let i?, nil):
                entries.remove(at: i)
                positions[name] = nil
                for j in i..<entries.count { positions[entries[j].name] = j }
            case (nil, let t?):
                positions[name] = entries.count
                entries.append((name, t))
            case (nil, nil):
                break
            }
        }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, tensor: Tensor)]> { entries.makeIterator() }

    public var description: String {
        "StateDict(" + entries.map { "\($0.name): \(Shape.describe($0.tensor.shape))" }.joined(separator: ", ") + ")"
    }
}

/// Why `loadStateDict` refused a state dict, with PyTorch's wording.
public struct StateDictError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Keys the model has and the state dict lacks.
    public let missingKeys: [String]
    /// Keys the state dict has and the model lacks.
    public let unexpectedKeys: [String]
    /// `name: checkpoint shape vs model shape` for each mismatch.
    public let sizeMismatches: [String]
    /// The model's class name.
    public let modelName: String

    public var description: String {
        var lines = ["Error(s) in loading state_dict for \(modelName):"]
        if !missingKeys.isEmpty {
            lines.append("\tMissing key(s) in state_dict: " + missingKeys.map { "\"\($0.escapedForTerminal)\"" }.joined(separator: ", ") + ".")
        }
        if !unexpectedKeys.isEmpty {
            lines.append("\tUnexpected key(s) in state_dict: " + unexpectedKeys.map { "\"\($0.escapedForTerminal)\"" }.joined(separator: ", ") + ".")
        }
        lines.append(contentsOf: sizeMismatches.map { "\t" + $0 })
        return lines.joined(separator: "\n")
    }
}

extension Module {
    /// Every parameter and buffer by dotted name (shared tensors under each of their names), like `state_dict()`.
    ///
    /// PyTorch's order: each module's parameters, then its buffers, then its children's
    /// entries. The tensors are detached views of the parameters and buffers: reading them
    /// sees later updates.
    public func stateDict() -> StateDict {
        var entries: [(String, Tensor)] = []
        func visit(_ module: Module, _ prefix: String) {
            for (name, tensor) in module.directParameters() { entries.append((prefix + name, tensor.detach())) }
            for (name, tensor) in module.directBuffers() { entries.append((prefix + name, tensor.detach())) }
            for (name, child) in module.namedChildren() { visit(child, prefix + name + ".") }
        }
        visit(self, "")
        return StateDict(entries)
    }

    /// Copies values from `stateDict` into this model's parameters and buffers, like `load_state_dict`.
    ///
    /// Values are converted to each tensor's own dtype (an int64 `num_batches_tracked` stays int64).
    ///
    /// Checks everything before changing anything: a shape mismatch, or with `strict` a
    /// missing or unexpected key, throws a `StateDictError` naming each key and leaves the
    /// model unchanged. Parameters keep their identity, so optimizers stay attached.
    /// - Returns: the missing and unexpected keys (empty when `strict` succeeded).
    @discardableResult
    public func loadStateDict(_ stateDict: StateDict, strict: Bool = true) throws -> (missingKeys: [String], unexpectedKeys: [String]) {
        let own = self.stateDict()
        let ownKeys = Set(own.keys), givenKeys = Set(stateDict.keys)
        let missing = own.keys.filter { !givenKeys.contains($0) }
        let unexpected = stateDict.keys.filter { !ownKeys.contains($0) }
        var mismatches: [String] = []
        for (name, tensor) in own {
            guard let given = stateDict[name] else { continue }
            if given.shape != tensor.shape {
                mismatches.append("size mismatch for \(name.escapedForTerminal): copying a param with shape torch.Size(\(Shape.describe(given.shape))) from checkpoint, the shape in current model is torch.Size(\(Shape.describe(tensor.shape))).")
            }
        }
        if !mismatches.isEmpty || (strict && !(missing.isEmpty && unexpected.isEmpty)) {
            throw StateDictError(missingKeys: strict ? missing : [], unexpectedKeys: strict ? unexpected : [],
                                 sizeMismatches: mismatches, modelName: typeName)
        }
        noGrad {
            for (name, tensor) in own {
                if let given = stateDict[name] { tensor.copy_(given) }
            }
        }
        return (missing, unexpected)
    }
}
