import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The few POSIX socket calls `tensortop attach` needs, with errors as messages.
enum Sockets {
    /// A listening Unix socket at `path` (mode 0600), its folder created (mode 0700) when missing.
    ///
    /// A socket file left by a dashboard that died is replaced; one another dashboard still
    /// listens on is an error, as is any other kind of file at `path`.
    static func listenUnix(path: String) throws(AttachError) -> Int32 {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            guard mkdir(folder, 0o700) == 0 || errno == EEXIST else {
                throw AttachError("cannot create the folder \(folder) for the socket: \(errorText()) (choose another place with --socket PATH)")
            }
        }
        var folderStatus = stat()
        if !folder.isEmpty, stat(folder, &folderStatus) == 0, folderStatus.st_uid != getuid(), folderStatus.st_mode & 0o022 != 0, folderStatus.st_mode & S_ISVTX == 0 {
            throw AttachError("the folder \(folder) belongs to another user and others may replace files in it: a socket there is not safe (choose another place with --socket PATH)")
        }
        guard path.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else {
            throw AttachError("the socket path \(path) is too long for a Unix socket (at most 107 bytes): choose a shorter one with --socket PATH")
        }
        var status = stat()
        if lstat(path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFSOCK else {
                throw AttachError("\(path) exists and is not a socket: remove it or choose another path with --socket PATH")
            }
            if let other = try? connectUnix(path: path) {
                close(other)
                throw AttachError("another tensortop attach is listening on \(path): quit it, or choose another path with --socket PATH")
            }
            unlink(path)
        }
        let fd = try unixSocket(path: path, doing: "listen on", with: bind)
        chmod(path, 0o600)
        guard listen(fd, 4) == 0 else {
            let text = errorText()
            close(fd)
            throw AttachError("cannot listen on \(path): \(text)")
        }
        return fd
    }

    /// A connected Unix socket to `path` (used to tell a live socket from a stale one, and by tests).
    static func connectUnix(path: String) throws(AttachError) -> Int32 {
        try unixSocket(path: path, doing: "connect to", with: connect)
    }

    /// A new Unix socket on which `call` (bind or connect) succeeded for `path`.
    private static func unixSocket(path: String, doing what: String,
                                   with call: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Int32) throws(AttachError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw AttachError("cannot create a Unix socket: \(errorText())") }
        var address = unixAddress(path)
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard status == 0 else {
            let text = errorText()
            close(fd)
            throw AttachError("cannot \(what) \(path): \(text)" + (what == "listen on" ? " (choose another path with --socket PATH)" : ""))
        }
        return fd
    }

    /// A listening TCP socket on `host`:`port` (port 0: any free one), and the port it got.
    static func listenTCP(host: String, port: Int) throws(AttachError) -> (fd: Int32, port: Int) {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &found)
        guard status == 0, let first = found else {
            throw AttachError("--listen \(host):\(port): cannot resolve \(host) (\(String(cString: gai_strerror(status))))")
        }
        defer { freeaddrinfo(found) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
            guard fd >= 0 else { lastError = errorText(); continue }
            var yes: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
            guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, listen(fd, 4) == 0 else {
                lastError = errorText()
                close(fd)
                continue
            }
            return (fd, boundPort(fd) ?? port)
        }
        throw AttachError("cannot listen on \(host):\(port): \(lastError)")
    }

    /// A connected TCP socket (tests and probes written in Swift).
    static func connectTCP(host: String, port: Int) throws(AttachError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let first = found else {
            throw AttachError("cannot resolve \(host)")
        }
        defer { freeaddrinfo(found) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
            close(fd)
        }
        throw AttachError("cannot connect to \(host):\(port): \(errorText())")
    }

    /// The local port a socket is bound to.
    private static func boundPort(_ fd: Int32) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard status == 0 else { return nil }
        let family = Int32(storage.ss_family)
        return withUnsafePointer(to: &storage) { pointer -> Int? in
            switch family {
            case AF_INET: pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            case AF_INET6: pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            default: nil
            }
        }
    }

    /// Accepts a waiting connection; sends on it give up after `sendTimeout` seconds.
    static func acceptConnection(_ listener: Int32, sendTimeout: Double) -> Int32? {
        let fd = accept(listener, nil, nil)
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var timeout = timeval(tv_sec: Int(sendTimeout), tv_usec: Int((sendTimeout - Double(Int(sendTimeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// Which of `fds` have something to read (or were closed by the peer), waiting at most `milliseconds`.
    static func readable(_ fds: [Int32], milliseconds: Int32) -> Set<Int32> {
        var polled = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        guard poll(&polled, nfds_t(polled.count), milliseconds) > 0 else { return [] }
        return Set(polled.filter { $0.revents != 0 }.map(\.fd))
    }

    /// Reads what is there (at most `buffer.count` bytes) through `buffer`; nil when the peer
    /// closed the connection or it failed.
    static func read(_ fd: Int32, into buffer: inout [UInt8]) -> Data? {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count < 0 && (errno == EINTR || errno == EAGAIN) { return Data() }
        guard count > 0 else { return nil }
        return Data(buffer[0..<count])
    }

    /// Sends all of `data`; false when the peer is gone or does not read within the send timeout.
    static func send(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let sent = Glibc.send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0 && errno == EINTR { continue }
                guard sent > 0 else { return false }
                offset += sent
            }
            return true
        }
    }

    private static func unixAddress(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
