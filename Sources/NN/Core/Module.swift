import Tensors

/// The base class of every layer and network, with PyTorch's `nn.Module` API.
///
/// Subclasses declare child modules as stored properties, parameters with `@Parameter`
/// and buffers (saved, untrained state) with `@Buffer`; all are discovered by reflection under their property names, so
/// `namedParameters()` gives PyTorch's dotted names (`hidden.weight`, `hidden.0.bias`)
/// with no bookkeeping:
///
/// ```swift
/// final class Net: Module {
///     let hidden: Linear
///     init(_ inputs: Int, _ outputs: Int) {
///         hidden = Linear(inputs, outputs)
///         super.init()
///     }
///     override func forward(_ x: Tensor) -> Tensor { hidden(x) }
/// }
/// ```
///
/// Arrays of modules are children too (named `name.0`, `name.1`, ...). A parameter of
/// any child can be reached by name like in Python, e.g. `net[0].weight` on a
/// `Sequential`, through dynamic member lookup.
@dynamicMemberLookup
open class Module: CustomStringConvertible {
    /// Whether the module is in training mode (`train()`) or evaluation mode (`eval()`).
    public private(set) var isTraining = true

    /// Creates a module in training mode.
    public init() {}

    /// Computes the module's output. Every subclass overrides this.
    open func forward(_ input: Tensor) -> Tensor {
        preconditionFailure("\(typeName) must override forward(_:)")
    }

    /// Runs `forward`, so a module is called like a function: `net(x)`.
    public func callAsFunction(_ input: Tensor) -> Tensor { forward(input) }

    // MARK: Structure

    /// The immediate child modules with their names, in declaration order.
    ///
    /// Found by reflection over stored properties; `Sequential` overrides it with `0`, `1`, ...
    open func namedChildren() -> [(name: String, module: Module)] {
        var result: [(String, Module)] = []
        forEachStoredProperty { label, value in
            if let child = value as? Module {
                result.append((label, child))
            } else if let children = value as? [Module] {
                for (i, child) in children.enumerated() { result.append(("\(label).\(i)", child)) }
            }
        }
        return result
    }

    /// The parameters declared directly on this module (not its children), by name.
    public func directParameters() -> [(name: String, tensor: Tensor)] {
        var result: [(String, Tensor)] = []
        forEachStoredProperty { label, value in
            if let parameter = value as? Parameter {
                result.append((label, parameter.wrappedValue))
            } else if let parameter = value as? OptionalParameter, let tensor = parameter.wrappedValue {
                result.append((label, tensor))
            }
        }
        return result
    }

    /// The buffers declared directly on this module (not its children), by name.
    public func directBuffers() -> [(name: String, tensor: Tensor)] {
        var result: [(String, Tensor)] = []
        forEachStoredProperty { label, value in
            if let buffer = value as? Buffer {
                result.append((label, buffer.wrappedValue))
            } else if let buffer = value as? OptionalBuffer, let tensor = buffer.wrappedValue {
                result.append((label, tensor))
            }
        }
        return result
    }

    /// Replaces the direct parameter `name` with `tensor` (returns false if there is none).
    @discardableResult
    public func setDirectParameter(_ name: String, to tensor: Tensor) -> Bool {
        var found = false
        forEachStoredProperty { label, value in
            guard label == name else { return }
            if let parameter = value as? Parameter {
                parameter.wrappedValue = tensor
                found = true
            } else if let parameter = value as? OptionalParameter, parameter.wrappedValue != nil {
                parameter.wrappedValue = tensor
                found = true
            }
        }
        return found
    }

    /// Visits stored properties from the most derived class up to `Module`, with the leading
    /// underscore of `@Parameter` and `@Buffer` properties removed from labels.
    func forEachStoredProperty(_ body: (String, Any) -> Void) {
        var mirror: Mirror? = Mirror(reflecting: self)
        var levels: [Mirror] = []
        while let m = mirror, m.subjectType != Module.self {
            levels.append(m)
            mirror = m.superclassMirror
        }
        // Base classes first, so inherited properties come before a subclass's own.
        for level in levels.reversed() {
            for child in level.children {
                guard var label = child.label else { continue }
                let wrapped = child.value is Parameter || child.value is OptionalParameter
                    || child.value is Buffer || child.value is OptionalBuffer
                if wrapped, label.hasPrefix("_") { label.removeFirst() }
                body(label, child.value)
            }
        }
    }

    /// Every module in the tree, this one first (name ""), then children depth-first.
    public func namedModules() -> [(name: String, module: Module)] {
        var result: [(String, Module)] = [("", self)]
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(self)]
        func visit(_ module: Module, _ prefix: String) {
            for (name, child) in module.namedChildren() where seen.insert(ObjectIdentifier(child)).inserted {
                let full = prefix.isEmpty ? name : "\(prefix).\(name)"
                result.append((full, child))
                visit(child, full)
            }
        }
        visit(self, "")
        return result
    }

    /// Every module in the tree (`modules()`).
    public func modules() -> [Module] { namedModules().map(\.module) }

    /// The immediate children (`children()`).
    public func children() -> [Module] { namedChildren().map(\.module) }

    /// Every parameter with its dotted name (`0.weight`, `hidden.0.bias`); shared tensors appear once.
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        var result: [(String, Tensor)] = []
        var seen: Set<ObjectIdentifier> = []
        for (prefix, module) in namedModules() {
            for (name, tensor) in module.directParameters() where seen.insert(ObjectIdentifier(tensor)).inserted {
                result.append((prefix.isEmpty ? name : "\(prefix).\(name)", tensor))
            }
        }
        return result
    }

    /// Every parameter, in `namedParameters()` order (buffers are not parameters).
    public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

    /// Every buffer with its dotted name (`0.running_mean`); shared tensors appear once.
    public func namedBuffers() -> [(name: String, tensor: Tensor)] {
        var result: [(String, Tensor)] = []
        var seen: Set<ObjectIdentifier> = []
        for (prefix, module) in namedModules() {
            for (name, tensor) in module.directBuffers() where seen.insert(ObjectIdentifier(tensor)).inserted {
                result.append((prefix.isEmpty ? name : "\(prefix).\(name)", tensor))
            }
        }
        return result
    }

    /// Every buffer, in `namedBuffers()` order.
    public func buffers() -> [Tensor] { namedBuffers().map(\.tensor) }

    /// A direct parameter or buffer by name, so `net[0].weight` and `net[1].running_mean` read like PyTorch.
    ///
    /// Traps, naming the module type, when there is no such parameter or buffer.
    public subscript(dynamicMember name: String) -> Tensor {
        guard let found = directParameters().first(where: { $0.name == name })
                ?? directBuffers().first(where: { $0.name == name }) else {
            preconditionFailure("'\(typeName)' object has no parameter or buffer '\(name)'")
        }
        return found.tensor
    }

    // MARK: Behaviour

    /// Calls `function` on every child module (recursively, children first), then on this module.
    @discardableResult
    public func apply(_ function: (Module) -> Void) -> Self {
        for child in children() { child.apply(function) }
        function(self)
        return self
    }

    /// Sets training mode on this module and every descendant (affects `Dropout` and batch norm).
    @discardableResult
    public func train(_ mode: Bool = true) -> Self {
        for module in modules() { module.isTraining = mode }
        return self
    }

    /// Sets evaluation mode, like `train(false)`.
    @discardableResult
    public func eval() -> Self { train(false) }

    /// Resets every parameter's gradient to nil (PyTorch's default `set_to_none=True`), or to zeros.
    public func zeroGrad(setToNone: Bool = true) {
        for p in parameters() {
            if setToNone { p.grad = nil } else { p.grad?.zero_() }
        }
    }

    // MARK: Printing

    /// The class name PyTorch prints, e.g. `Linear` or `Net`.
    public var typeName: String { String(describing: type(of: self)) }

    /// The settings shown inside the parentheses, e.g. `in_features=2, out_features=1, bias=True`.
    open func extraDescription() -> String { "" }

    /// The module tree as PyTorch's `repr` prints it.
    public var description: String {
        let extra = extraDescription()
        let extraLines = extra.isEmpty ? [] : extra.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let childLines = namedChildren().map { name, child in
            "(\(name)): " + child.description.replacingNewlines(with: "\n  ")
        }
        let lines = extraLines + childLines
        if lines.isEmpty { return "\(typeName)()" }
        if extraLines.count == 1 && childLines.isEmpty { return "\(typeName)(\(extraLines[0]))" }
        return "\(typeName)(\n  " + lines.joined(separator: "\n  ") + "\n)"
    }
}

extension String {
    /// The string with each newline replaced by `replacement` (used to indent nested reprs).
    func replacingNewlines(with replacement: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

/// PyTorch's spelling of a Bool in reprs (`True`/`False`).
func pythonBool(_ value: Bool) -> String { value ? "True" : "False" }
