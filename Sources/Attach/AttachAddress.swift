import Foundation

/// Where `tensortop attach` listens and a probe connects: a Unix socket or a TCP address.
public enum AttachAddress: Equatable, Sendable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: Int)

    /// The form `TENSORTOP_ATTACH` takes: `unix:PATH` or `tcp:HOST:PORT`.
    public var description: String {
        switch self {
        case .unix(let path): "unix:\(path)"
        case .tcp(let host, let port): host.contains(":") ? "tcp:[\(host)]:\(port)" : "tcp:\(host):\(port)"
        }
    }

    /// Whether a probe must present the token: always over TCP (any local user can reach
    /// loopback), never on a Unix socket (its file mode keeps others out).
    public var needsToken: Bool {
        if case .tcp = self { return true }
        return false
    }

    /// The default socket: `$XDG_RUNTIME_DIR/tensortop/attach.sock`, or
    /// `/tmp/tensortop-UID/attach.sock` when there is no runtime folder.
    public static func defaultSocketPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty,
           (try? FileManager.default.attributesOfItem(atPath: runtime)[.type] as? FileAttributeType) == .typeDirectory {
            return (runtime as NSString).appendingPathComponent("tensortop/attach.sock")
        }
        return "/tmp/tensortop-\(getuid())/attach.sock"
    }

    /// Reads `--listen HOST:PORT` (`[v6]:PORT` for an IPv6 address; PORT 0 picks a free port).
    public static func parseListen(_ text: String) throws(AttachError) -> AttachAddress {
        let host: Substring, port: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw AttachError("--listen \(text): expected [ADDRESS]:PORT, e.g. [::1]:5123") }
            port = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw AttachError("--listen \(text): expected HOST:PORT, e.g. 127.0.0.1:5123 (port 0 picks a free one)")
            }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else { throw AttachError("--listen \(text): the host is missing (e.g. 127.0.0.1:\(port))") }
        guard let number = Int(port), (0...65535).contains(number) else {
            throw AttachError("--listen \(text): the port must be a number from 0 to 65535 (0 picks a free one)")
        }
        return .tcp(host: String(host), port: number)
    }
}

/// Why `tensortop attach` cannot listen, or a probe was turned away: a message for the user.
public struct AttachError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
