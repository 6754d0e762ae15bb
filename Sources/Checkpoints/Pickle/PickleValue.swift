/// The values a restricted unpickler can build: plain Python data plus the few objects a
/// PyTorch state dict is made of.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list([PickleValue])
    /// A dict or `collections.OrderedDict`, keeping insertion order.
    case dict([(PickleValue, PickleValue)])
    /// A global the reader allows, e.g. `collections.OrderedDict`.
    case global(module: String, name: String)
    /// A storage named by a persistent id: element type and archive key.
    case storage(type: ElementType, key: String, count: Int)
    /// A tensor from `_rebuild_tensor_v2`: a view of a storage.
    case tensor(storage: String, type: ElementType, offset: Int, shape: [Int], strides: [Int])
    /// The marker MARK pushes.
    case mark

    /// A one-word description for error messages.
    var kind: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .tuple: "tuple"
        case .list: "list"
        case .dict: "dict"
        case .global(let module, let name): "\(module).\(name)"
        case .storage: "storage"
        case .tensor: "tensor"
        case .mark: "mark"
        }
    }

    /// The elements of a tuple or list of ints (a shape or strides).
    var intList: [Int]? {
        switch self {
        case .tuple(let items), .list(let items):
            var result: [Int] = []
            for item in items {
                guard case .int(let v) = item else { return nil }
                result.append(v)
            }
            return result
        default: return nil
        }
    }
}
