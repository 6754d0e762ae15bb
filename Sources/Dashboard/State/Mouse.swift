/// A mouse button.
public enum MouseButton: Sendable, Equatable {
    case left, middle, right
}

/// A click or a turn of the wheel at a screen cell (0-based column `x`, row `y`).
public struct MouseEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case press(MouseButton)
        case wheelUp
        case wheelDown
    }

    public var kind: Kind
    public var x: Int
    public var y: Int

    public init(_ kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }

    /// The wheel's direction as a step through a list: −1 up, +1 down, nil for a button.
    public var wheelStep: Int? {
        switch kind {
        case .wheelUp: -1
        case .wheelDown: 1
        case .press: nil
        }
    }
}
