import Datasets
import Foundation
import Telemetry
import Training

/// A small learnable Fashion-MNIST stand-in: each class lights up its own band of rows.
enum SyntheticData {
    static func folder(train: Int = 640, test: Int = 200) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tensortop-train-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        func images(_ count: Int, seed: Int) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(count * 784)
            for i in 0..<count {
                let label = i % 10
                for p in 0..<784 {
                    let row = p / 28
                    let lit = row >= label * 2 + 4 && row < label * 2 + 7
                    let noise = UInt8(truncatingIfNeeded: (p &* 2654435761 &+ i &* 40503 &+ seed) >> 7) % 60
                    out.append(lit ? 180 + noise : noise)
                }
            }
            return out
        }
        func idx(_ magic: UInt32, _ dims: [Int], _ values: [UInt8]) -> [UInt8] {
            var bytes = withUnsafeBytes(of: magic.bigEndian) { Array($0) }
            for d in dims { bytes += withUnsafeBytes(of: UInt32(d).bigEndian) { Array($0) } }
            return bytes + values
        }
        let files: [(String, [UInt8])] = [
            ("train-images-idx3-ubyte", idx(0x803, [train, 28, 28], images(train, seed: 1))),
            ("train-labels-idx1-ubyte", idx(0x801, [train], (0..<train).map { UInt8($0 % 10) })),
            ("t10k-images-idx3-ubyte", idx(0x803, [test, 28, 28], images(test, seed: 2))),
            ("t10k-labels-idx1-ubyte", idx(0x801, [test], (0..<test).map { UInt8($0 % 10) })),
        ]
        for (name, bytes) in files { try! Data(bytes).write(to: url.appendingPathComponent(name)) }
        return url
    }

    /// A quick configuration on the synthetic data.
    static func config(epochs: Int = 2, seed: UInt64 = 0) -> TrainingConfig {
        var config = TrainingConfig()
        config.dataRoot = folder().path
        config.epochs = epochs
        config.batchSize = 32
        config.seed = seed
        config.dataWorkers = 0
        config.snapshotInterval = nil
        return config
    }
}

extension TrainerController {
    /// Collects events until one satisfies `done` (or `seconds` pass, which is reported as nil).
    func events(until done: (TrainerEvent) -> Bool, seconds: Double = 60) -> [TrainerEvent]? {
        var seen: [TrainerEvent] = []
        let found = try? waitForEvent(timeout: seconds, describing: "a test's event", observe: { seen.append($0) }, until: done)
        return found == nil ? nil : seen
    }

    /// Sends a command and waits for its acknowledgement: the applied text, or the refusal reason.
    func acknowledge(_ command: TrainerCommand) -> (applied: Bool, text: String)? {
        switch try? sendAndWait(command, timeout: 60) {
        case .applied(_, let text)?: (true, text)
        case .refused(_, let text)?: (false, text)
        default: nil
        }
    }

    /// Asks for snapshots until one satisfies `condition` (event-driven: each request is acknowledged).
    func snapshot(where condition: (TrainingSnapshot) -> Bool, seconds: Double = 60) -> TrainingSnapshot? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            _ = acknowledge(.requestSnapshot)
            if let s = latestSnapshot(), condition(s) { return s }
        }
        return nil
    }

    /// All loss values so far.
    var allLosses: [Double] { losses(from: 0).points.map(\.loss) }
}
