import Foundation
import Telemetry
import Testing
@testable import Attach
#if canImport(Glibc)
import Glibc
#endif

/// A probe written in Swift for the tests: frames out and in over a real socket.
final class TestProbe {
    let fd: Int32
    private var reader = WireFrameReader()
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var open = true

    init(_ address: AttachAddress) throws {
        switch address {
        case .unix(let path): fd = try Sockets.connectUnix(path: path)
        case .tcp(let host, let port): fd = try Sockets.connectTCP(host: host, port: port)
        }
    }
    deinit { hangUp() }

    /// Closes the connection without a goodbye (a crashed script).
    func hangUp() {
        if open { close(fd) }
        open = false
    }

    func send(json: String) { _ = Sockets.send(fd, WireFrame.encode(Data(json.utf8))) }
    func send(_ message: ProbeMessage) throws { _ = Sockets.send(fd, WireFrame.encode(try TelemetryCoding.encoder().encode(message))) }
    func sendRaw(_ bytes: Data) { _ = Sockets.send(fd, bytes) }

    /// The dashboard's next message, or nil when the connection closed or nothing came within 5 s.
    func receive() throws -> DashboardMessage? {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if let payload = try reader.next() { return try TelemetryCoding.decoder().decode(DashboardMessage.self, from: payload) }
            guard !Sockets.readable([fd], milliseconds: 100).isEmpty else { continue }
            guard let bytes = Sockets.read(fd, into: &buffer) else { return nil }
            reader.append(bytes)
        }
        return nil
    }

    /// Says hello and expects the welcome.
    func attach(token: String? = nil, capabilities: SourceCapabilities = [.pause, .step, .changeLearningRate, .gradients]) throws {
        try send(.hello(ProbeHello(token: token, capabilities: capabilities, run: ProbeRunInfo(command: "test.py", pid: 42))))
        guard case .welcome(1, _) = try #require(try receive()) else { throw AttachError("not welcomed") }
    }
}

/// A fresh folder for a socket (short: Unix socket paths are limited to 107 bytes).
func socketFolder() -> String {
    let folder = "/tmp/tt-attach-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
}

/// Waits until `condition` holds for what the source shows (events are collected into `events`).
func eventually(_ source: AttachSource, _ events: inout [TrainerEvent], _ condition: ([TrainerEvent]) -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(5)
    while Date() < deadline {
        events += source.waitForEvents(timeout: 0.05)
        if condition(events) { return true }
    }
    return false
}

func warnings(_ events: [TrainerEvent]) -> [String] {
    events.compactMap { if case .warning(let text) = $0 { text } else { nil } }
}

func notices(_ events: [TrainerEvent]) -> [String] {
    events.compactMap { if case .notice(let text) = $0 { text } else { nil } }
}

@Suite(.serialized) struct AttachSourceTests {
    @Test func aRunStreamsAndObeysThroughTheSource() throws {
        let folder = socketFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = try AttachSource(address: .unix(path: "\(folder)/a.sock"), tensortopVersion: "9.9")
        defer { source.close() }
        var events: [TrainerEvent] = []
        #expect(eventually(source, &events) { notices($0).contains { $0.contains("waiting for a run: start it with TENSORTOP_ATTACH=unix:\(folder)/a.sock") } })
        let mode = try FileManager.default.attributesOfItem(atPath: "\(folder)/a.sock")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(source.capabilities == AttachSource.waiting)

        let probe = try TestProbe(source.address)
        try probe.attach()
        #expect(eventually(source, &events) { _ in source.capabilities == [.pause, .step, .changeLearningRate, .gradients] })
        try probe.send(.losses(points: [LossPoint(step: 1, loss: 2.3, segment: 0, learningRate: 0.1), LossPoint(step: 2, loss: 2.2, segment: 0)]))
        try probe.send(.snapshot(TrainingSnapshot(sequence: 999, state: .running, step: 2)))
        #expect(eventually(source, &events) { _ in source.latestSnapshot()?.step == 2 })
        #expect(source.latestSnapshot()?.lossCount == 2)
        #expect(source.losses(from: 0).points.map(\.loss) == [2.3, 2.2])

        let id = source.send(.pause)
        #expect(try probe.receive() == .command(id: id, command: .pause))
        try probe.send(.event(.applied(id, "paused")))
        #expect(eventually(source, &events) { $0.contains(.applied(id, "paused")) })
        let refused = source.send(.reset)
        #expect(eventually(source, &events) { $0.contains(.refused(refused, "the attached run cannot do that")) })
        let notStopped = source.send(.stop)  // the probe did not offer stopRun
        #expect(eventually(source, &events) { $0.contains(.refused(notStopped, "the attached run cannot do that")) })

        try probe.send(.bye)
        #expect(eventually(source, &events) { notices($0).contains { $0.hasPrefix("test.py ended; waiting for a run") } })
        #expect(notices(events).contains { $0.hasPrefix("attached: test.py") })
        #expect(source.latestSnapshot()?.state == .finished)
        #expect(source.capabilities == AttachSource.waiting)
        let late = source.send(.resume)
        #expect(eventually(source, &events) { $0.contains(.refused(late, "no run is attached")) })

        // The next run starts afresh: a reader with the old points is told to drop them.
        let next = try TestProbe(source.address)
        try next.attach()
        #expect(eventually(source, &events) { _ in source.capabilities.contains(.gradients) })
        #expect(source.losses(from: 2).next == 0)
        #expect(source.latestSnapshot() == nil)
    }

    @Test func hostilePeersEndTheirConnectionNotTheDashboard() throws {
        let folder = socketFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = try AttachSource(address: .unix(path: "\(folder)/b.sock"), tensortopVersion: "9.9")
        defer { source.close() }
        var events: [TrainerEvent] = []
        let cases: [(String, (TestProbe) throws -> Void, String)] = [
            ("too large", { $0.sendRaw(Data([0xFF, 0xFF, 0xFF, 0x7F])) }, "a frame claims 2147483647 bytes"),
            ("zero", { $0.sendRaw(Data([0, 0, 0, 0])) }, "a frame claims 0 bytes"),
            ("not JSON", { $0.send(json: "{{{") }, "not valid JSON for the wire"),
            ("no hello", { try $0.send(.bye) }, "the probe's first message was not hello"),
            ("newer schema", { $0.send(json: "{\"hello\":{\"schemaVersion\":2}}") }, "reads up to 1: update tensortop"),
            ("second hello", { probe in try probe.attach(); try probe.send(.hello(ProbeHello(capabilities: []))) }, "a second hello"),
            ("vanished", { probe in try probe.attach(); probe.hangUp() }, "closed without saying goodbye"),
        ]
        for (name, act, expected) in cases {
            let probe = try TestProbe(source.address)
            try act(probe)
            #expect(eventually(source, &events) { warnings($0).contains { $0.contains(expected) } }, "\(name): \(warnings(events))")
            #expect(eventually(source, &events) { _ in source.capabilities == AttachSource.waiting }, "\(name)")
        }
        // Still listening: a good run attaches after all that.
        try TestProbe(source.address).attach()
    }

    @Test func aSecondRunIsTurnedAwayWhileOneIsAttached() throws {
        let folder = socketFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = try AttachSource(address: .unix(path: "\(folder)/c.sock"), tensortopVersion: "9.9")
        defer { source.close() }
        let first = try TestProbe(source.address)
        try first.attach()
        let second = try TestProbe(source.address)
        guard case .refused(let reason) = try #require(try second.receive()) else { Issue.record("not refused"); return }
        #expect(reason == "another run is attached to this dashboard (test.py (pid 42))")
        var events: [TrainerEvent] = []
        #expect(eventually(source, &events) { notices($0).contains("turned away a second run: another run is attached") })
    }

    @Test func aRunThatReconnectsRightAfterItsConnectionDroppedIsWelcomed() throws {
        let folder = socketFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = try AttachSource(address: .unix(path: "\(folder)/d.sock"), tensortopVersion: "9.9")
        defer { source.close() }
        for _ in 0..<5 {
            let first = try TestProbe(source.address)
            try first.attach()
            // The old connection's end and the new connection reach the dashboard together.
            first.hangUp()
            try TestProbe(source.address).attach()
        }
    }

    @Test func aProbeRetryingWithTheSameWrongTokenIsReportedOnce() throws {
        let source = try AttachSource(address: .tcp(host: "127.0.0.1", port: 0), token: "right", tensortopVersion: "9.9")
        defer { source.close() }
        var events: [TrainerEvent] = []
        for _ in 0..<3 {
            let probe = try TestProbe(source.address)
            try probe.send(.hello(ProbeHello(token: "wrong", capabilities: [.pause], run: ProbeRunInfo(command: "t.py", pid: 7))))
            guard case .refused = try #require(try probe.receive()) else { Issue.record("not refused"); return }
        }
        _ = eventually(source, &events) { _ in false }  // collect for a while
        #expect(warnings(events).filter { $0.contains("wrong token") }.count == 1, "\(warnings(events))")
    }

    @Test func tcpNeedsTheToken() throws {
        let source = try AttachSource(address: .tcp(host: "127.0.0.1", port: 0), tensortopVersion: "9.9")
        defer { source.close() }
        guard case .tcp(_, let port) = source.address else { Issue.record("not tcp"); return }
        #expect(port > 0)
        let token = try #require(source.token)
        #expect(token.count == 32)
        #expect(source.environmentText == "TENSORTOP_ATTACH=tcp:127.0.0.1:\(port) TENSORTOP_TOKEN=\(token)")
        for (given, expected) in [(nil, "this dashboard needs a token"), ((token.first == "0" ? "1" : "0") + token.dropFirst(), "wrong token")] as [(String?, String)] {
            let probe = try TestProbe(source.address)
            try probe.send(.hello(ProbeHello(token: given, capabilities: [.pause])))
            guard case .refused(let reason) = try #require(try probe.receive()) else { Issue.record("not refused"); return }
            #expect(reason.hasPrefix(expected))
        }
        try TestProbe(source.address).attach(token: token)
    }

    @Test func aSocketInUseOrAFileInTheWayIsAClearError() throws {
        let folder = socketFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = try AttachSource(address: .unix(path: "\(folder)/d.sock"), tensortopVersion: "9.9")
        #expect(throws: AttachError("another tensortop attach is listening on \(folder)/d.sock: quit it, or choose another path with --socket PATH")) {
            try AttachSource(address: .unix(path: "\(folder)/d.sock"), tensortopVersion: "9.9")
        }
        source.close()
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/d.sock"))
        #expect(FileManager.default.createFile(atPath: "\(folder)/file", contents: Data()))
        #expect(throws: AttachError("\(folder)/file exists and is not a socket: remove it or choose another path with --socket PATH")) {
            try AttachSource(address: .unix(path: "\(folder)/file"), tensortopVersion: "9.9")
        }
    }
}
