import Foundation
import Telemetry

/// What the training script's run says about itself in its `hello` (every field optional).
public struct ProbeRunInfo: Sendable, Equatable, Codable {
    /// The script's command line, e.g. `examples/pytorch_mnist.py --epochs 2`.
    public var command: String?
    public var pid: Int?
    public var host: String?
    /// This process's rank and the number of processes of a `torch.distributed` run.
    public var rank: Int?
    public var worldSize: Int?
    /// `gloo`, `nccl`, … (absent outside a distributed run).
    public var backend: String?
    public var torchVersion: String?
    /// Where the model lives: `cpu`, `cuda:0`, …
    public var device: String?

    public init(command: String? = nil, pid: Int? = nil, host: String? = nil, rank: Int? = nil, worldSize: Int? = nil,
                backend: String? = nil, torchVersion: String? = nil, device: String? = nil) {
        (self.command, self.pid, self.host, self.rank, self.worldSize) = (command, pid, host, rank, worldSize)
        (self.backend, self.torchVersion, self.device) = (backend, torchVersion, device)
    }

    /// The script's name: the file name of the command's first `.py` word (`pytorch_mnist.py`),
    /// else of its first word; "a PyTorch run" without a command.
    public var scriptName: String {
        let words = (command ?? "").split(separator: " ")
        guard let word = words.first(where: { $0.hasSuffix(".py") }) ?? words.first else { return "a PyTorch run" }
        return String(word.split(separator: "/").last ?? word)
    }

    /// One short line for the dashboard: `pytorch_mnist.py (pid 412 on node1, 2 ranks, gloo, torch 2.5.1)`.
    public var summary: String {
        var details: [String] = []
        if let pid { details.append("pid \(pid)" + (host.map { " on \($0)" } ?? "")) }
        if let worldSize, worldSize > 1 { details.append("\(worldSize) ranks") }
        if let backend { details.append(backend) }
        if let torchVersion { details.append("torch \(torchVersion)") }
        if let device { details.append(device) }
        return details.isEmpty ? scriptName : "\(scriptName) (\(details.joined(separator: ", ")))"
    }
}

/// The first message of a probe.
public struct ProbeHello: Sendable, Equatable, Codable {
    /// The probe's `TelemetryCoding.schemaVersion`; a newer one than ours is refused.
    public var schemaVersion: Int
    public var probeVersion: String?
    /// Required over TCP; ignored on a Unix socket.
    public var token: String?
    /// What the probe obeys and shows (`SourceCapabilities` bits).
    public var capabilities: SourceCapabilities
    public var run: ProbeRunInfo

    public init(schemaVersion: Int = TelemetryCoding.schemaVersion, probeVersion: String? = nil, token: String? = nil,
                capabilities: SourceCapabilities, run: ProbeRunInfo = ProbeRunInfo()) {
        (self.schemaVersion, self.probeVersion, self.token, self.capabilities, self.run) = (schemaVersion, probeVersion, token, capabilities, run)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        probeVersion = try c.decodeIfPresent(String.self, forKey: .probeVersion)
        token = try c.decodeIfPresent(String.self, forKey: .token)
        capabilities = try c.decodeIfPresent(SourceCapabilities.self, forKey: .capabilities) ?? []
        run = try c.decodeIfPresent(ProbeRunInfo.self, forKey: .run) ?? ProbeRunInfo()
    }
}

/// A message from a probe to the dashboard (docs/TELEMETRY.md, "Probe → dashboard").
public enum ProbeMessage: Sendable, Equatable, Codable {
    case hello(ProbeHello)
    case snapshot(TrainingSnapshot)
    case losses(points: [LossPoint])
    case event(TrainerEvent)
    case bye

    enum HelloCodingKeys: String, CodingKey { case _0 = "hello" }
    enum SnapshotCodingKeys: String, CodingKey { case _0 = "snapshot" }
    enum EventCodingKeys: String, CodingKey { case _0 = "event" }

    /// Reads one frame's payload; a problem names what was wrong.
    public static func decode(_ payload: Data) throws(WireProblem) -> ProbeMessage {
        do {
            return try TelemetryCoding.decoder().decode(ProbeMessage.self, from: payload)
        } catch {
            throw WireProblem("a message is not valid JSON for the wire (\(TelemetryCoding.describe(error)))")
        }
    }
}

// `hello` carries its fields directly under the key (docs): `{"hello":{"schemaVersion":1,…}}`.
extension ProbeMessage {
    private enum Kind: String, CodingKey { case hello, snapshot, losses, event, bye }
    private enum LossesKeys: String, CodingKey { case points }
    private enum SnapshotKeys: String, CodingKey { case snapshot }
    private enum EventKeys: String, CodingKey { case event }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Kind.self)
        guard c.allKeys.count == 1, let kind = c.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath,
                                                    debugDescription: "a message is an object with one key: hello, snapshot, losses, event or bye"))
        }
        switch kind {
        case .hello: self = .hello(try c.decode(ProbeHello.self, forKey: .hello))
        case .snapshot: self = .snapshot(try c.nestedContainer(keyedBy: SnapshotKeys.self, forKey: .snapshot).decode(TrainingSnapshot.self, forKey: .snapshot))
        case .losses: self = .losses(points: try c.nestedContainer(keyedBy: LossesKeys.self, forKey: .losses).decode([LossPoint].self, forKey: .points))
        case .event: self = .event(try c.nestedContainer(keyedBy: EventKeys.self, forKey: .event).decode(TrainerEvent.self, forKey: .event))
        case .bye: self = .bye
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Kind.self)
        switch self {
        case .hello(let hello): try c.encode(hello, forKey: .hello)
        case .snapshot(let snapshot):
            var inner = c.nestedContainer(keyedBy: SnapshotKeys.self, forKey: .snapshot)
            try inner.encode(snapshot, forKey: .snapshot)
        case .losses(let points):
            var inner = c.nestedContainer(keyedBy: LossesKeys.self, forKey: .losses)
            try inner.encode(points, forKey: .points)
        case .event(let event):
            var inner = c.nestedContainer(keyedBy: EventKeys.self, forKey: .event)
            try inner.encode(event, forKey: .event)
        case .bye: _ = c.nestedContainer(keyedBy: Kind.self, forKey: .bye)
        }
    }
}

/// A message from the dashboard to a probe (docs/TELEMETRY.md, "Dashboard → probe").
public enum DashboardMessage: Sendable, Equatable, Codable {
    case welcome(schemaVersion: Int, tensortopVersion: String)
    case refused(reason: String)
    case command(id: CommandID, command: TrainerCommand)

    /// The frame that carries this message.
    public func frame() -> Data {
        // Encoding our own values cannot fail: every number is finite or written as a string.
        WireFrame.encode((try? TelemetryCoding.encoder().encode(self)) ?? Data("{}".utf8))
    }
}
