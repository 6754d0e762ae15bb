import CNcursesw
import CTerminalGuard
import Dashboard
import Foundation

/// What the terminal reported: a key, a click or turn of the wheel, or a new size.
public enum TerminalInput: Sendable, Equatable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(width: Int, height: Int)

    /// The dashboard action this input is.
    public var action: Action {
        switch self {
        case .key(let key): .key(key)
        case .mouse(let event): .mouse(event)
        case .resize(let width, let height): .resize(width: width, height: height)
        }
    }
}

/// The only code that calls ncurses: puts buffers on the screen (changed cells only) and reads keys.
///
/// Always call `restore()` (or let the screen be released) so the terminal gets its cursor,
/// echo and colours back. If the process dies of a signal first (a hang-up, Ctrl-\, a crash or
/// a trap), a signal handler puts back the settings the terminal had before (see CTerminalGuard).
public final class CursesScreen {
    private var previous: Buffer?
    private var pairs: [PairKey: Int32] = [:]
    private var nextPair: Int32 = 1
    private var active = true
    /// Whether the terminal reports the mouse (turned off again in `restore`).
    private var mouseEnabled = false
    /// Whether colours are used (a colour terminal and no NO_COLOR).
    public let colorsAvailable: Bool
    /// Whether the terminal has 256 colours (else colours map to the 8 basic ones).
    public let has256Colors: Bool

    private struct PairKey: Hashable {
        let foreground: Int32
        let background: Int32
    }

    /// The mouse events asked for: presses of the three buttons and the wheel (buttons 4 and 5).
    private static let mouseEvents = TT_BUTTON1_PRESSED | TT_BUTTON2_PRESSED | TT_BUTTON3_PRESSED | TT_BUTTON4_PRESSED | TT_BUTTON5_PRESSED

    /// Takes over the terminal: UTF-8 locale (C.UTF-8 as a fallback), raw keys, mouse clicks
    /// and the wheel, no cursor.
    public init() {
        _ = tt_setlocale_utf8()
        var original = termios()
        let isTerminal = tcgetattr(STDOUT_FILENO, &original) == 0
        initscr()
        cbreak()
        noecho()
        keypad(tt_stdscr(), true)
        curs_set(0)
        set_escdelay(25)
        // Presses as they come (no waiting to tell a click from a double click).
        _ = mouseinterval(0)
        mouseEnabled = mousemask(Self.mouseEvents, nil) != 0
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        if !noColor && has_colors() {
            start_color()
            _ = use_default_colors()
            colorsAvailable = tt_colors() >= 8
            has256Colors = tt_colors() >= 256
        } else {
            colorsAvailable = false
            has256Colors = false
        }
        if isTerminal { Self.guardTerminal(original, mouse: mouseEnabled) }
    }

    /// xterm's private modes for mouse reports (button presses, SGR coordinates) turned off:
    /// what ncurses sends on leaving, for the signal handler to send when it cannot.
    private static let mouseReportsOff = "\u{1B}[?1006l\u{1B}[?1000l"

    /// Has signals that would end the process restore `original` and the screen first.
    private static func guardTerminal(_ original: termios, mouse: Bool) {
        // Leave the alternate screen and keypad mode, reset colours, show the cursor, stop mouse reports, new line.
        let capabilities: [String] = ["sgr0", "rmkx", "rmcup", "cnorm"]
        let reset = capabilities.compactMap { name in tt_terminfo_string(name).map { String(cString: $0) } }.joined()
            + (mouse ? mouseReportsOff : "") + "\r\n"
        var settings = original
        _ = reset.withCString { tt_terminal_guard_install(STDOUT_FILENO, &settings, $0, strlen($0)) }
    }

    deinit { restore() }

    /// Gives the terminal back (idempotent).
    public func restore() {
        guard active else { return }
        active = false
        if mouseEnabled { _ = mousemask(0, nil) }
        curs_set(1)
        endwin()
        tt_terminal_guard_uninstall()
    }

    /// The terminal's size in cells.
    public var size: (width: Int, height: Int) {
        (Int(getmaxx(tt_stdscr())), Int(getmaxy(tt_stdscr())))
    }

    /// Asks the terminal itself for its size and, if ncurses missed a change (no SIGWINCH
    /// arrived), tells ncurses; returns the new size when it changed.
    public func checkResize() -> (width: Int, height: Int)? {
        var window = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 else { return nil }
        let (width, height) = (Int(window.ws_col), Int(window.ws_row))
        guard (width, height) != size else { return nil }
        resizeterm(Int32(height), Int32(width))
        return size
    }

    /// Writes the cells that differ from the last frame, then refreshes.
    public func draw(_ buffer: Buffer) {
        if previous?.width != buffer.width || previous?.height != buffer.height {
            erase()
            previous = nil
        }
        for (x, y) in buffer.changes(from: previous) {
            // The bottom-right cell would scroll the screen on some terminals.
            if x == buffer.width - 1 && y == buffer.height - 1 { continue }
            put(buffer[x, y], x: x, y: y)
        }
        previous = buffer
        refresh()
    }

    private func put(_ cell: Cell, x: Int, y: Int) {
        var attributes = TT_A_NORMAL
        let style = cell.style
        if style.bold { attributes |= TT_A_BOLD }
        if style.dim { attributes |= TT_A_DIM }
        if style.reverse { attributes |= TT_A_REVERSE }
        if style.underline { attributes |= TT_A_UNDERLINE }
        var pair = colorsAvailable ? self.pair(style) : 0
        var wide: [wchar_t] = cell.character.unicodeScalars.prefix(1).map { wchar_t(bitPattern: $0.value) } + [0]
        var character = cchar_t()
        _ = setcchar(&character, &wide, attributes, 0, &pair)
        _ = mvadd_wch(Int32(y), Int32(x), &character)
    }

    /// The colour pair for a style's colours, allocated on first use.
    private func pair(_ style: Style) -> Int32 {
        func index(_ color: TerminalColor) -> Int32 {
            guard let i = has256Colors ? color.index256 : color.index8 else { return -1 }
            return Int32(i)
        }
        let key = PairKey(foreground: index(style.foreground), background: index(style.background))
        if key.foreground == -1 && key.background == -1 { return 0 }
        if let existing = pairs[key] { return existing }
        guard nextPair < tt_color_pairs() else { return 0 }
        let number = nextPair
        nextPair += 1
        _ = init_extended_pair(number, key.foreground, key.background)
        pairs[key] = number
        return number
    }

    /// The mouse event ncurses has decoded, if it is one the dashboard uses.
    private func mouse() -> TerminalInput? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        let buttons: [(mmask_t, MouseEvent.Kind)] = [
            (TT_BUTTON1_PRESSED, .press(.left)), (TT_BUTTON2_PRESSED, .press(.middle)), (TT_BUTTON3_PRESSED, .press(.right)),
            (TT_BUTTON4_PRESSED, .wheelUp), (TT_BUTTON5_PRESSED, .wheelDown),
        ]
        guard let kind = buttons.first(where: { event.bstate & $0.0 != 0 })?.1 else { return nil }
        return .mouse(MouseEvent(kind, x: Int(event.x), y: Int(event.y)))
    }

    /// Waits up to `milliseconds` for a key, a mouse event or a resize.
    /// Whether the terminal has gone away (its window closed, the SSH connection dropped): its
    /// input reports a hang-up or an error. Then nothing will be read or seen again, and a
    /// process that ignores SIGHUP would otherwise go on drawing for nobody.
    public var terminalGone: Bool {
        var input = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&input, 1, 0) >= 0 else { return false }
        return input.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }

    public func read(timeout milliseconds: Int32) -> TerminalInput? {
        timeout(milliseconds)
        var character: wint_t = 0
        let status = get_wch(&character)
        if status == ERR { return nil }
        if status == KEY_CODE_YES {
            let code = Int32(character)
            switch code {
            case KEY_RESIZE:
                let (w, h) = size
                return .resize(width: w, height: h)
            case KEY_UP: return .key(.up)
            case KEY_DOWN: return .key(.down)
            case KEY_LEFT: return .key(.left)
            case KEY_RIGHT: return .key(.right)
            case KEY_HOME, KEY_A1, KEY_FIND: return .key(.home)
            case KEY_END, KEY_C1, KEY_SELECT: return .key(.end)
            case KEY_PPAGE: return .key(.pageUp)
            case KEY_NPAGE: return .key(.pageDown)
            case KEY_MOUSE: return mouse()
            case KEY_BTAB: return .key(.backTab)
            case KEY_ENTER: return .key(.enter)
            case KEY_BACKSPACE: return .key(.backspace)
            case KEY_F0 + 1...KEY_F0 + 12: return .key(.function(Int(code - KEY_F0)))
            default: return nil
            }
        }
        switch character {
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 27: return .key(.escape)
        case 8, 127: return .key(.backspace)
        default:
            guard let scalar = Unicode.Scalar(character) else { return nil }
            return .key(.character(Character(scalar)))
        }
    }
}
