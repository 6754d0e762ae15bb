import NN

/// A restricted unpickler for PyTorch state dicts.
///
/// It understands only the opcodes `torch.save(model.state_dict())` writes (protocols 2–5)
/// and only the globals a state dict needs: `collections.OrderedDict`,
/// `torch._utils._rebuild_tensor_v2` / `_rebuild_parameter` and the `torch.*Storage` types.
/// Anything else — `os.system`, a model class pickled with `torch.save(model)` — is refused
/// with an error naming it. Nothing named in the file is ever imported or run.
struct PickleReader {
    private let bytes: [UInt8]
    private var position = 0
    private var stack: [PickleValue] = []
    private var memo: [Int: PickleValue] = [:]
    /// Every value a container refers to; containers hold indices into it (see `PickleValue`).
    private var heap: [PickleValue] = []
    /// Container slots made so far, and how many the pickle may make: copies of a memoized
    /// list or dict (BINGET then APPEND) could otherwise grow memory quadratically.
    private var slotsMade = 0
    private let slotLimit: Int

    /// Globals that may appear; everything else is refused.
    static let allowedGlobals: Set<String> = Set(
        ["collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter"]
            + ElementType.allCases.map { "torch.\($0.torchStorageName)" })

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        slotLimit = 2 * bytes.count + 1_000_000
    }

    /// The value `handle` (from a tuple, list or dict this reader built) refers to.
    func value(_ handle: PickleValue.Handle) -> PickleValue { heap[handle] }

    /// Runs the pickle program and returns the value STOP leaves.
    mutating func read() throws -> PickleValue {
        while true {
            let offset = position
            let opcode = try byte()
            switch opcode {
            case 0x80: _ = try byte()                                  // PROTO
            case 0x95: _ = try take(8)                                 // FRAME
            case 0x2E:                                                 // STOP
                guard let result = stack.popLast() else { throw PickleError("STOP with an empty stack") }
                return result
            case 0x28: stack.append(.mark)                             // MARK
            case 0x7D: stack.append(.dict([]))                         // EMPTY_DICT
            case 0x5D: stack.append(.list([]))                         // EMPTY_LIST
            case 0x29: stack.append(.tuple([]))                        // EMPTY_TUPLE
            case 0x74: stack.append(.tuple(try store(try popToMark())))   // TUPLE
            case 0x85: stack.append(.tuple(try store(try pop(1))))        // TUPLE1
            case 0x86: stack.append(.tuple(try store(try pop(2))))        // TUPLE2
            case 0x87: stack.append(.tuple(try store(try pop(3))))        // TUPLE3
            case 0x6C: stack.append(.list(try store(try popToMark())))    // LIST
            case 0x64: stack.append(.dict(try pairs(try popToMark())))    // DICT
            case 0x61:                                                 // APPEND
                let item = try pop(1)
                try appendItems(item)
            case 0x65: try appendItems(try popToMark())                // APPENDS
            case 0x73: try setItems(try pop(2))                        // SETITEM
            case 0x75: try setItems(try popToMark())                   // SETITEMS
            case 0x71: memo[Int(try byte())] = try top()               // BINPUT
            case 0x72: memo[Int(try uint32())] = try top()             // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()                    // MEMOIZE
            case 0x68: stack.append(try recall(Int(try byte())))       // BINGET
            case 0x6A: stack.append(try recall(Int(try uint32())))     // LONG_BINGET
            case 0x63:                                                 // GLOBAL
                let module = try line(), name = try line()
                stack.append(try global(module, name))
            case 0x93:                                                 // STACK_GLOBAL
                let parts = try pop(2)
                guard case .string(let module) = parts[0], case .string(let name) = parts[1] else {
                    throw PickleError("STACK_GLOBAL needs two strings")
                }
                stack.append(try global(module, name))
            case 0x58: stack.append(.string(try text(Int(try uint32()))))       // BINUNICODE
            case 0x8C: stack.append(.string(try text(Int(try byte()))))         // SHORT_BINUNICODE
            case 0x8D: stack.append(.string(try text(try length64())))          // BINUNICODE8
            case 0x43: stack.append(.bytes(try take(Int(try byte()))))          // SHORT_BINBYTES
            case 0x42: stack.append(.bytes(try take(Int(try uint32()))))        // BINBYTES
            case 0x4A: stack.append(.int(Int(Int32(bitPattern: try uint32())))) // BININT
            case 0x4B: stack.append(.int(Int(try byte())))                      // BININT1
            case 0x4D: stack.append(.int(Int(try byte()) | Int(try byte()) << 8)) // BININT2
            case 0x8A: stack.append(.int(try long(Int(try byte()))))            // LONG1
            case 0x4E: stack.append(.none)                                      // NONE
            case 0x88: stack.append(.bool(true))                                // NEWTRUE
            case 0x89: stack.append(.bool(false))                               // NEWFALSE
            case 0x47:                                                          // BINFLOAT (big-endian)
                let raw = try take(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                stack.append(.float(Double(bitPattern: raw)))
            case 0x30: _ = try pop(1)                                           // POP
            case 0x31: _ = try popToMark()                                      // POP_MARK
            case 0x32: stack.append(try top())                                  // DUP
            case 0x51:                                                          // BINPERSID
                // Pop first: `persistentLoad(pop(1))` would copy `self` for the call before
                // popping, so the pop copied the whole stack (quadratic for 100,000 tensors).
                let id = try pop(1)[0]
                stack.append(try persistentLoad(id))
            case 0x52:                                                          // REDUCE
                let parts = try pop(2)
                stack.append(try reduce(parts[0], parts[1]))
            case 0x62: _ = try pop(1)                                           // BUILD: state of an OrderedDict (its _metadata)
            default:
                throw PickleError(String(format: "unsupported pickle opcode 0x%02X at byte %d; a state dict never needs it", opcode, offset))
            }
        }
    }

    // MARK: Objects

    private func global(_ module: String, _ name: String) throws -> PickleValue {
        guard Self.allowedGlobals.contains("\(module).\(name)") else {
            let full = "\(module).\(name)".escapedForTerminal
            if module == "__main__" || module.hasPrefix("torch.nn") {
                throw PickleError("the file pickles the Python object '\(full)' (torch.save(model)), not a state dict; in PyTorch save model.state_dict() instead")
            }
            throw PickleError("refusing to load: the pickle names '\(full)', which a state dict never needs (nothing in the file is run)")
        }
        return .global(module: module, name: name)
    }

    /// `('storage', torch.XStorage, key, location, count)` → a storage reference.
    private func persistentLoad(_ id: PickleValue) throws -> PickleValue {
        guard case .tuple(let handles) = id, handles.count >= 5 else {
            throw PickleError("unexpected persistent id \(id.kind); expected ('storage', type, key, location, size)")
        }
        let parts = handles.map(value)
        guard case .string("storage") = parts[0], case .global(_, let storageName) = parts[1], case .string(let key) = parts[2],
              case .int(let count) = parts[4]
        else { throw PickleError("unexpected persistent id; expected ('storage', type, key, location, size)") }
        guard let type = ElementType(torchStorageName: storageName) else { throw PickleError("unknown storage type torch.\(storageName)") }
        guard count >= 0 else { throw PickleError("storage \(key.escapedForTerminal) has a negative size \(count)") }
        return .storage(type: type, key: key, count: count)
    }

    private func reduce(_ callable: PickleValue, _ arguments: PickleValue) throws -> PickleValue {
        guard case .global(let module, let name) = callable, case .tuple(let handles) = arguments else {
            throw PickleError("REDUCE of \(callable.kind) is not supported")
        }
        let args = handles.map(value)
        switch (module, name) {
        case ("collections", "OrderedDict"):
            return .dict([])
        case ("torch._utils", "_rebuild_tensor_v2"):
            guard args.count >= 4, case .storage(let type, let key, let count) = args[0], case .int(let offset) = args[1],
                  let shape = intList(args[2]), let strides = intList(args[3]), shape.count == strides.count
            else { throw PickleError("malformed _rebuild_tensor_v2 arguments") }
            guard shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }), offset >= 0 else {
                throw PickleError("tensor with negative size, stride or offset (storage \(key.escapedForTerminal))")
            }
            guard SizeCheck.byteCount(shape, type) != nil else {
                throw PickleError("a tensor of storage \(key.escapedForTerminal) has shape \(shape), whose size overflows a 64-bit integer")
            }
            if shape.allSatisfy({ $0 > 0 }) {
                guard let last = SizeCheck.lastElement(offset: offset, shape: shape, strides: strides) else {
                    throw PickleError("a tensor of storage \(key.escapedForTerminal) (shape \(shape), strides \(strides), offset \(offset)) addresses elements beyond a 64-bit integer")
                }
                guard last < count else { throw PickleError("a tensor reads element \(last) of storage \(key.escapedForTerminal), which has \(count)") }
            }
            return .tensor(storage: key, storageCount: count, type: type, offset: offset, shape: shape, strides: strides)
        case ("torch._utils", "_rebuild_parameter"):
            guard let data = args.first, case .tensor = data else { throw PickleError("malformed _rebuild_parameter arguments") }
            return data
        default:
            throw PickleError("calling \(module).\(name) is not supported")
        }
    }

    // MARK: Stack

    private mutating func pop(_ n: Int) throws -> [PickleValue] {
        guard stack.count >= n else { throw PickleError("stack underflow at byte \(position)") }
        let start = stack.count - n
        let items = Array(stack[start...])
        stack.removeSubrange(start...)
        if items.contains(where: \.isMark) { throw PickleError("unexpected MARK at byte \(position)") }
        return items
    }

    private mutating func popToMark() throws -> [PickleValue] {
        guard let index = stack.lastIndex(where: \.isMark) else {
            throw PickleError("no MARK on the stack at byte \(position)")
        }
        let items = Array(stack[(index + 1)...])
        stack.removeSubrange(index...)
        return items
    }

    private func top() throws -> PickleValue {
        guard let value = stack.last else { throw PickleError("empty stack at byte \(position)") }
        return value
    }

    private func recall(_ index: Int) throws -> PickleValue {
        guard let value = memo[index] else { throw PickleError("memo entry \(index) was never stored") }
        return value
    }

    /// Moves `items` to the heap and returns their handles, for a new container.
    private mutating func store(_ items: [PickleValue]) throws -> [PickleValue.Handle] {
        try countSlots(items.count)
        let first = heap.count
        heap.append(contentsOf: items)
        return Array(first..<heap.count)
    }

    /// Counts `n` new container slots against the pickle's limit.
    private mutating func countSlots(_ n: Int) throws {
        slotsMade += n
        guard slotsMade <= slotLimit else {
            throw PickleError("the pickle builds more than \(slotLimit) container items from \(bytes.count) bytes; a state dict never needs that many")
        }
    }

    private mutating func pairs(_ items: [PickleValue]) throws -> [(key: PickleValue.Handle, value: PickleValue.Handle)] {
        guard items.count % 2 == 0 else { throw PickleError("odd number of items for a dict") }
        let handles = try store(items)
        return stride(from: 0, to: handles.count, by: 2).map { (key: handles[$0], value: handles[$0 + 1]) }
    }

    private mutating func setItems(_ items: [PickleValue]) throws {
        let newPairs = try pairs(items)
        guard case .dict(var existing) = stack.popLast() else { throw PickleError("SETITEM(S) on something that is not a dict") }
        try countSlots(existing.count)
        existing.append(contentsOf: newPairs)
        stack.append(.dict(existing))
    }

    private mutating func appendItems(_ items: [PickleValue]) throws {
        let handles = try store(items)
        guard case .list(var existing) = stack.popLast() else { throw PickleError("APPEND(S) on something that is not a list") }
        try countSlots(existing.count)
        existing.append(contentsOf: handles)
        stack.append(.list(existing))
    }

    /// The elements of a tuple or list of ints (a shape or strides), or nil.
    private func intList(_ list: PickleValue) -> [Int]? {
        switch list {
        case .tuple(let handles), .list(let handles):
            var result: [Int] = []
            for handle in handles {
                guard case .int(let v) = value(handle) else { return nil }
                result.append(v)
            }
            return result
        default: return nil
        }
    }

    // MARK: Bytes

    private mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw PickleError("the pickle ends early (truncated at byte \(position))") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func take(_ n: Int) throws -> [UInt8] {
        guard n >= 0, position + n <= bytes.count else { throw PickleError("the pickle ends early (wanted \(n) bytes at \(position))") }
        defer { position += n }
        return Array(bytes[position..<(position + n)])
    }

    private mutating func uint32() throws -> UInt32 {
        try take(4).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
    }

    private mutating func length64() throws -> Int {
        let value = try take(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard value <= UInt64(bytes.count) else { throw PickleError("string length \(value) exceeds the pickle") }
        return Int(value)
    }

    private mutating func text(_ n: Int) throws -> String {
        let raw = try take(n)
        guard let s = String(validating: raw, as: UTF8.self) else { throw PickleError("invalid UTF-8 string at byte \(position - n)") }
        return s
    }

    private mutating func line() throws -> String {
        var raw: [UInt8] = []
        while true {
            let b = try byte()
            if b == 0x0A { break }
            raw.append(b)
            guard raw.count < 256 else { throw PickleError("GLOBAL name too long") }
        }
        return String(decoding: raw, as: UTF8.self)
    }

    /// A little-endian two's-complement integer of `n` bytes (LONG1).
    private mutating func long(_ n: Int) throws -> Int {
        guard n <= 8 else { throw PickleError("integer of \(n) bytes is too large") }
        let raw = try take(n)
        guard n > 0 else { return 0 }
        var value = raw.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        if n < 8, raw[n - 1] & 0x80 != 0 { value |= ~UInt64(0) << (8 * UInt64(n)) }
        return Int(Int64(bitPattern: value))
    }
}

/// Why a pickle was refused.
struct PickleError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
