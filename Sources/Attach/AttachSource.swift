import Dispatch
import Foundation
import Synchronization
import Telemetry
import Tensors
#if canImport(Glibc)
import Glibc
#endif

/// A PyTorch run seen through its probe: `tensortop attach` listens, a script connects and
/// streams snapshots, losses and events, and the dashboard's commands go back to it.
///
/// One run at a time; between runs the source waits for the next (a second probe that connects
/// meanwhile is refused with the reason). Whatever a peer sends — frames too large, malformed
/// JSON, a wrong token, a connection that vanishes — ends that connection with a message
/// (a `warning` event) and never the dashboard. docs/TELEMETRY.md, "The wire", is the protocol.
public final class AttachSource: TelemetrySource {
    /// Where probes connect (with the real port when `--listen` asked for port 0).
    public let address: AttachAddress
    /// What a probe must present over TCP; nil on a Unix socket.
    public let token: String?
    /// What the dashboard offers while no run is attached: the keys stay, and answer "no run is attached".
    static let waiting: SourceCapabilities = [.pause, .step, .changeLearningRate, .reinitialize, .save, .stopRun]
    /// Capabilities a probe may announce; the rest of its bits are ignored.
    static let offered: SourceCapabilities = [.pause, .step, .changeLearningRate, .reinitialize, .save, .batchImages, .gradients, .stopRun]
    /// How long a new connection has to say hello.
    static let helloSeconds = 5.0

    private let listener: Int32
    private let tensortopVersion: String
    private let state = Mutex(State())
    private let wakeup = DispatchSemaphore(value: 0)
    private let thread = Mutex<JoinableThread?>(nil)

    /// Everything the connection thread and the dashboard share.
    private struct State {
        var connection: Int32?
        /// The attached run's hello, once it was welcomed.
        var hello: ProbeHello?
        var helloDeadline = Date.distantFuture
        var reader = WireFrameReader()
        var snapshot: TrainingSnapshot?
        var sequence = 0
        var losses: [LossPoint] = []
        /// A new run started: a reader with points of the previous one must drop them.
        var rewind = false
        var events: [TrainerEvent] = []
        var nextCommand: CommandID = 1
        var runs = 0
        var closed = false
        /// The last probe turned away and why: a probe retrying with the same problem is not
        /// reported again (a wrong token retries every 10 s).
        var lastRefusal: String?
    }

    /// Listens on `address` (a Unix socket or TCP) for probes.
    /// - Parameters:
    ///   - token: the token TCP probes must send; nil makes a random one (Unix sockets need none).
    ///   - tensortopVersion: what `welcome` tells the probe.
    /// - Throws: `AttachError` naming the address and what to do when it cannot listen.
    public init(address: AttachAddress, token: String? = nil, tensortopVersion: String) throws(AttachError) {
        switch address {
        case .unix(let path):
            listener = try Sockets.listenUnix(path: path)
            self.address = address
            self.token = nil
        case .tcp(let host, let port):
            let bound = try Sockets.listenTCP(host: host, port: port)
            listener = bound.fd
            self.address = .tcp(host: host, port: bound.port)
            self.token = token ?? Self.randomToken()
        }
        self.tensortopVersion = tensortopVersion
        state.withLock { $0.events.append(.notice(waitingText)) }
        thread.withLock { $0 = JoinableThread(name: "attach") { [weak self] in self?.serve() } }
    }

    deinit { close() }

    /// Stops listening, drops the attached run (its probe trains on without the dashboard) and
    /// removes the Unix socket file.
    public func close() {
        let wasOpen = state.withLock { state -> Bool in
            defer { state.closed = true }
            return !state.closed
        }
        guard wasOpen else { return }
        thread.withLock { $0 }?.join()
        state.withLock { state in
            if let connection = state.connection { Glibc.close(connection) }
            state.connection = nil
        }
        Glibc.close(listener)
        if case .unix(let path) = address { unlink(path) }
    }

    /// 32 random hex digits.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// What a script needs in its environment to find this dashboard.
    public var environmentText: String {
        "TENSORTOP_ATTACH=\(address)" + (token.map { " TENSORTOP_TOKEN=\($0)" } ?? "")
    }

    private var waitingText: String {
        if case .unix(let path) = address, path == AttachAddress.defaultSocketPath() {
            return "waiting for a run: start the script; its probe looks here by default (\(address))"
        }
        return "waiting for a run: start it with \(environmentText)"
    }

    // MARK: TelemetrySource

    public var capabilities: SourceCapabilities {
        state.withLock { state in
            guard let hello = state.hello, state.connection != nil else { return Self.waiting }
            return hello.capabilities.intersection(Self.offered)
        }
    }

    public func latestSnapshot() -> TrainingSnapshot? { state.withLock { $0.snapshot } }

    public func losses(from cursor: Int) -> (points: [LossPoint], next: Int) {
        state.withLock { state in
            if state.rewind {
                state.rewind = false
                if cursor > 0 { return ([], 0) }
            }
            let start = Swift.min(Swift.max(cursor, 0), state.losses.count)
            return (Array(state.losses[start...]), state.losses.count)
        }
    }

    public func takeEvents() -> [TrainerEvent] {
        state.withLock { state in
            defer { state.events = [] }
            return state.events
        }
    }

    public func waitForEvents(timeout seconds: Double) -> [TrainerEvent] {
        let events = takeEvents()
        guard events.isEmpty else { return events }
        _ = wakeup.wait(timeout: .now() + Swift.max(0, seconds))
        return takeEvents()
    }

    @discardableResult
    public func send(_ command: TrainerCommand) -> CommandID {
        let id = state.withLock { state -> CommandID in
            let id = state.nextCommand
            state.nextCommand += 1
            guard let connection = state.connection, let hello = state.hello else {
                state.events.append(.refused(id, "no run is attached"))
                return id
            }
            if let needed = SourceCapabilities.needed(for: command), !hello.capabilities.intersection(Self.offered).contains(needed) {
                state.events.append(.refused(id, "the attached run cannot do that"))
                return id
            }
            if !Sockets.send(connection, DashboardMessage.command(id: id, command: command).frame()) {
                drop(&state, because: "the run stopped reading (it may be busy or gone)")
                state.events.append(.refused(id, "the run is gone"))
            }
            return id
        }
        wakeup.signal()
        return id
    }

    // MARK: The connection thread

    /// Accepts probes and reads their frames until `close`.
    private func serve() {
        // One receive buffer for the thread's whole life, not one per read.
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let (closed, connection) = state.withLock { ($0.closed, $0.connection) }
            if closed { return }
            let ready = Sockets.readable([listener] + (connection.map { [$0] } ?? []), milliseconds: 100)
            let eventsBefore = state.withLock { $0.events.count }
            if ready.contains(listener), let incoming = Sockets.acceptConnection(listener, sendTimeout: 0.5) {
                accept(incoming, buffer: &buffer)
            }
            let eventsAfter = state.withLock { state -> Int in
                guard let current = state.connection else { return state.events.count }
                if ready.contains(current) {
                    readAttached(current, buffer: &buffer, &state)
                } else if state.hello == nil && Date() > state.helloDeadline {
                    drop(&state, because: "a probe connected but sent no hello within \(Int(Self.helloSeconds)) s")
                }
                return state.events.count
            }
            // Wake a waiter only for new events (not every 100 ms: the count would pile up).
            if eventsAfter != eventsBefore { wakeup.signal() }
        }
    }

    /// Reads what the attached connection has sent and handles its frames; ends it when it closed.
    private func readAttached(_ connection: Int32, buffer: inout [UInt8], _ state: inout State) {
        guard let bytes = Sockets.read(connection, into: &buffer) else {
            drop(&state, because: state.hello == nil ? "the probe left before saying hello"
                                                     : "the run's connection closed without saying goodbye (the script ended abruptly, "
                                                       + "or gave up on a dashboard that stopped reading)")
            return
        }
        state.reader.append(bytes)
        readFrames(&state)
    }

    /// Takes a new connection, or turns it away while a run is attached.
    ///
    /// The attached run's end may be waiting behind the new connection (a dashboard that was
    /// suspended, a script reconnecting after it gave up on it): what the attached connection
    /// has sent is read first, so a run that is gone makes room for the new one.
    private func accept(_ incoming: Int32, buffer: inout [UInt8]) {
        state.withLock { state in
            for _ in 0..<64 {
                guard let current = state.connection, Sockets.readable([current], milliseconds: 0).contains(current) else { break }
                readAttached(current, buffer: &buffer, &state)
            }
            if state.connection != nil {
                let who = state.hello.map { " (\($0.run.summary))" } ?? ""
                _ = Sockets.send(incoming, DashboardMessage.refused(reason: "another run is attached to this dashboard\(who)").frame())
                Glibc.close(incoming)
                state.events.append(.notice("turned away a second run: another run is attached"))
                return
            }
            state.connection = incoming
            state.hello = nil
            state.reader = WireFrameReader()
            state.helloDeadline = Date().addingTimeInterval(Self.helloSeconds)
        }
    }

    /// Handles every whole frame that arrived; a bad one ends the connection.
    private func readFrames(_ state: inout State) {
        while state.connection != nil {
            let payload: Data
            do {
                guard let next = try state.reader.next() else { return }
                payload = next
            } catch {
                drop(&state, because: error.description)
                return
            }
            do {
                handle(try ProbeMessage.decode(payload), &state)
            } catch {
                drop(&state, because: error.description)
                return
            }
        }
    }

    /// Folds one message of the attached connection into the state.
    private func handle(_ message: ProbeMessage, _ state: inout State) {
        guard let connection = state.connection else { return }
        guard state.hello != nil else {
            guard case .hello(let hello) = message else {
                drop(&state, because: "the probe's first message was not hello")
                return
            }
            welcome(hello, on: connection, &state)
            return
        }
        switch message {
        case .hello:
            drop(&state, because: "a second hello on one connection")
        case .snapshot(var snapshot):
            state.sequence += 1
            snapshot.sequence = state.sequence
            snapshot.lossCount = state.losses.count
            state.snapshot = snapshot
        case .losses(let points):
            state.losses += points.map { LossPoint(step: $0.step, loss: $0.loss, segment: 0, learningRate: $0.learningRate) }
        case .event(.finished):
            break  // `bye` follows: the source says the run ended and what happens next
        case .event(let event):
            state.events.append(event)
        case .bye:
            let name = state.hello?.run.scriptName ?? "a PyTorch run"
            if var snapshot = state.snapshot, !snapshot.state.isTerminal {
                snapshot.state = .finished
                state.sequence += 1
                snapshot.sequence = state.sequence
                state.snapshot = snapshot
            }
            Glibc.close(connection)
            state.connection = nil
            state.events.append(.notice("\(name) ended; \(waitingText)"))
        }
    }

    /// Answers a hello: welcome (a new run starts) or refused with the reason.
    private func welcome(_ hello: ProbeHello, on connection: Int32, _ state: inout State) {
        var reason: String?
        if hello.schemaVersion > TelemetryCoding.schemaVersion {
            reason = "the probe speaks schema version \(hello.schemaVersion); this tensortop (\(tensortopVersion)) reads up to \(TelemetryCoding.schemaVersion): update tensortop"
        } else if let token, !Self.sameToken(hello.token ?? "", token) {
            reason = hello.token == nil ? "this dashboard needs a token: set TENSORTOP_TOKEN as tensortop attach printed it"
                                        : "wrong token: set TENSORTOP_TOKEN as tensortop attach printed it"
        }
        if let reason {
            _ = Sockets.send(connection, DashboardMessage.refused(reason: reason).frame())
            let text = "refused a probe\(hello.run.pid.map { " (pid \($0))" } ?? ""): \(reason)"
            // The same probe retrying with the same problem is said once.
            let repeated = state.lastRefusal == text
            state.lastRefusal = text
            drop(&state, because: text, quietly: repeated)
            return
        }
        guard Sockets.send(connection, DashboardMessage.welcome(schemaVersion: TelemetryCoding.schemaVersion, tensortopVersion: tensortopVersion).frame()) else {
            drop(&state, because: "the probe left before it was welcomed")
            return
        }
        state.hello = hello
        state.lastRefusal = nil
        state.runs += 1
        state.losses = []
        state.rewind = true
        state.snapshot = nil
        state.events.append(.notice("attached: \(hello.run.summary)"))
    }

    /// Ends the attached connection with a message (none when `quietly`); the source waits for the next run.
    private func drop(_ state: inout State, because reason: String, quietly: Bool = false) {
        if let connection = state.connection { Glibc.close(connection) }
        state.connection = nil
        if var snapshot = state.snapshot, state.hello != nil, !snapshot.state.isTerminal {
            snapshot.state = .failed("connection lost")
            state.sequence += 1
            snapshot.sequence = state.sequence
            state.snapshot = snapshot
        }
        if !quietly { state.events.append(.warning("\(reason); \(waitingText)")) }
    }

    /// Compares tokens in time that does not depend on where they differ.
    static func sameToken(_ given: String, _ expected: String) -> Bool {
        let (a, b) = (Array(given.utf8), Array(expected.utf8))
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension RunState {
    /// Whether the run is over (finished, stopped, failed).
    var isTerminal: Bool {
        switch self {
        case .finished, .stopped, .failed: true
        default: false
        }
    }
}
