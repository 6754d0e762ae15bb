import Foundation
import Telemetry
import Testing
@testable import Attach

@Suite struct WireFrameTests {
    @Test func framesArriveWholeWhateverTheChunks() throws {
        let frames = WireFrame.encode(Data("{\"bye\":{}}".utf8)) + WireFrame.encode(Data("{\"a\":1}".utf8))
        var reader = WireFrameReader()
        var payloads: [String] = []
        for byte in frames {
            reader.append(Data([byte]))
            while let payload = try reader.next() { payloads.append(String(decoding: payload, as: UTF8.self)) }
        }
        #expect(payloads == ["{\"bye\":{}}", "{\"a\":1}"])
        #expect(reader.bufferedCount == 0)
    }

    @Test func aLengthOfZeroOrTooManyBytesIsAProblemAtOnce() {
        for length: UInt32 in [0, UInt32(WireFrame.maxPayload) + 1, .max] {
            var reader = WireFrameReader()
            reader.append(Data([UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]))
            #expect(throws: WireProblem("a frame claims \(length) bytes (frames hold 1 to 67108864)")) { try reader.next() }
        }
    }

    @Test func probeMessagesReadAsTheDocsWriteThem() throws {
        let hello = try ProbeMessage.decode(Data("""
            {"hello":{"schemaVersion":1,"probeVersion":"0.1.0","capabilities":7,"run":{"command":"train.py","pid":12,"worldSize":2,"backend":"gloo"}}}
            """.utf8))
        guard case .hello(let body) = hello else { Issue.record("not a hello: \(hello)"); return }
        #expect(body.capabilities == [.pause, .step, .changeLearningRate])
        #expect(body.run.summary == "train.py (pid 12, 2 ranks, gloo)")
        #expect(ProbeRunInfo(command: "/usr/bin/python3 -u /home/a/examples/pytorch_mnist.py --epochs 2").scriptName == "pytorch_mnist.py")
        #expect(ProbeRunInfo(command: "/usr/bin/torchrun").scriptName == "torchrun")
        #expect(ProbeRunInfo().scriptName == "a PyTorch run")
        #expect(try ProbeMessage.decode(Data("{\"bye\":{}}".utf8)) == .bye)
        let losses = try ProbeMessage.decode(Data("{\"losses\":{\"points\":[{\"step\":1,\"loss\":\"nan\",\"learningRate\":0.1}]}}".utf8))
        guard case .losses(let points) = losses else { Issue.record("not losses: \(losses)"); return }
        #expect(points.count == 1 && points[0].loss.isNaN && points[0].learningRate == 0.1)
        let event = try ProbeMessage.decode(Data("{\"event\":{\"event\":{\"applied\":{\"id\":3,\"text\":\"paused\"}}}}".utf8))
        #expect(event == .event(.applied(3, "paused")))
    }

    @Test func messagesSurviveARoundTrip() throws {
        let messages: [ProbeMessage] = [
            .hello(ProbeHello(token: "ab", capabilities: [.pause, .gradients], run: ProbeRunInfo(command: "x.py", rank: 0))),
            .snapshot(TrainingSnapshot(step: 4)), .losses(points: [LossPoint(step: 1, loss: 2.5, segment: 0)]), .event(.stopped), .bye,
        ]
        for message in messages {
            #expect(try ProbeMessage.decode(TelemetryCoding.encoder().encode(message)) == message)
        }
    }

    @Test func badMessagesNameWhatIsWrong() {
        let cases: [(String, String)] = [
            ("not json", "not valid JSON for the wire"),
            ("{\"hello\":{}}", "schemaVersion"),
            ("{\"dance\":{}}", "one key: hello, snapshot, losses, event or bye"),
            ("{\"bye\":{},\"hello\":{}}", "one key"),
            ("{\"losses\":{\"points\":[{\"loss\":1}]}}", "step"),
        ]
        for (json, expected) in cases {
            do {
                _ = try ProbeMessage.decode(Data(json.utf8))
                Issue.record("\(json) was accepted")
            } catch {
                #expect(error.description.contains(expected), "\(json): \(error)")
            }
        }
    }

    @Test func dashboardMessagesHaveTheDocumentedJSON() throws {
        func json(_ message: DashboardMessage) -> String {
            let frame = message.frame()
            return String(decoding: frame.dropFirst(4), as: UTF8.self)
        }
        #expect(json(.welcome(schemaVersion: 1, tensortopVersion: "0.1.0")) == "{\"welcome\":{\"schemaVersion\":1,\"tensortopVersion\":\"0.1.0\"}}")
        #expect(json(.refused(reason: "wrong token")) == "{\"refused\":{\"reason\":\"wrong token\"}}")
        #expect(json(.command(id: 7, command: .pause)) == "{\"command\":{\"command\":{\"pause\":{}},\"id\":7}}")
    }

    @Test func listenAddressesAreCheckedWithAHint() throws {
        #expect(try AttachAddress.parseListen("127.0.0.1:0") == .tcp(host: "127.0.0.1", port: 0))
        #expect(try AttachAddress.parseListen("[::1]:5123") == .tcp(host: "::1", port: 5123))
        #expect(AttachAddress.tcp(host: "::1", port: 5123).description == "tcp:[::1]:5123")
        for bad in ["5123", ":5123", "host:port", "host:70000"] {
            #expect(throws: AttachError.self) { try AttachAddress.parseListen(bad) }
        }
        #expect(AttachAddress.defaultSocketPath(environment: [:]) == "/tmp/tensortop-\(getuid())/attach.sock")
    }
}
