/// The number of inputs and outputs each weight element connects, as PyTorch computes them.
public struct Fan: Equatable, Sendable {
    /// `shape[1] · prod(shape[2...])`.
    public let fanIn: Int
    /// `shape[0] · prod(shape[2...])`.
    public let fanOut: Int

    /// The fans of a weight of `shape`; throws for fewer than 2 dims, like `_calculate_fan_in_and_fan_out`.
    public init(shape: [Int]) throws {
        guard shape.count >= 2 else {
            throw InitError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (shape \(shape))")
        }
        let receptiveField = shape.dropFirst(2).reduce(1, *)
        fanIn = shape[1] * receptiveField
        fanOut = shape[0] * receptiveField
    }

    /// The fan the given mode preserves.
    public func value(_ mode: FanMode) -> Int { mode == .fanIn ? fanIn : fanOut }
}
