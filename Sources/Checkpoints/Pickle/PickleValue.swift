/// The values a restricted unpickler can build: plain Python data plus the few objects a
/// PyTorch state dict is made of.
///
/// Values are flat: a tuple, list or dict holds handles into the reader's heap
/// (`PickleReader.value(_:)`), never the nested values themselves. A hostile pickle of
/// 100,000 nested tuples is then 100,000 heap slots freed one after another, where a
/// recursive (`indirect`) enum released them recursively and overflowed the stack.
enum PickleValue {
    /// An index into the heap of the reader that built the value.
    typealias Handle = Int

    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([Handle])
    case list([Handle])
    /// A dict or `collections.OrderedDict`, keeping insertion order.
    case dict([(key: Handle, value: Handle)])
    /// A global the reader allows, e.g. `collections.OrderedDict`.
    case global(module: String, name: String)
    /// A storage named by a persistent id: element type, archive key and element count.
    case storage(type: ElementType, key: String, count: Int)
    /// A tensor from `_rebuild_tensor_v2`: a view of a storage of `storageCount` elements,
    /// checked to lie inside it.
    case tensor(storage: String, storageCount: Int, type: ElementType, offset: Int, shape: [Int], strides: [Int])
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

    /// Whether this is the marker MARK pushes.
    var isMark: Bool {
        if case .mark = self { true } else { false }
    }
}
