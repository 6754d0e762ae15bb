import Datasets
import Foundation
import Tensors

/// The Datasets issue's figures: IDX load time and peak memory, and DataLoader throughput.
enum DataBench {
    /// The flag that makes this binary only load the data set and report (run in a fresh process).
    static let loadOnlyFlag = "--measure-idx-load"

    /// Loads train and test from the .gz files, then prints seconds and peak resident memory.
    static func measureLoadInThisProcess() {
        let start = Stopwatch.now()
        do {
            let train = try FashionMNIST()
            let test = try FashionMNIST(train: false)
            let seconds = Stopwatch.now() - start
            print("\(train.count + test.count) \(fixed(seconds, 3)) \(peakResidentMegabytes())")
        } catch {
            print("error \(error)")
        }
    }

    /// Runs the load in a child process so its peak memory is the load's alone.
    static func load(into report: inout Report) {
        let parts: [String]
        switch ChildMeasurement.run([loadOnlyFlag]) {
        case .failure(let error):
            report.add("load train + test (.gz)", error.message, "")
            return
        case .success(let words) where words.count == 3:
            parts = words
        case .success(let words):
            report.add("load train + test (.gz)", words.joined(separator: " "), "")
            return
        }
        report.add("load train + test (.gz), \(parts[0]) images", parts[1] + " s (target < 0.5 s)",
                   parts[2] + " MB peak RSS (target < 150 MB)")
    }

    /// One epoch of 256-image batches turned into tensors, with `workers` background threads.
    static func throughput(workers: Int, stepSeconds: Double?, into report: inout Report) {
        guard let train = try? FashionMNIST() else {
            report.add("DataLoader, \(workers) workers", "Fashion-MNIST not found", "")
            return
        }
        let loader = DataLoader(train, batchSize: 256, shuffle: true, generator: Generator(seed: 0), numWorkers: workers)
        var best = Double.infinity
        for _ in 0..<3 {
            let start = Stopwatch.now()
            var batches = 0
            for batch in loader {
                batches += 1
                precondition(batch[0].shape[0] > 0)
            }
            best = min(best, (Stopwatch.now() - start) / Double(batches))
        }
        let keepsUp = stepSeconds.map { best < $0 ? "keeps up with a \(micros($0)) training step" : "slower than a \(micros($0)) training step" } ?? ""
        report.add("DataLoader batch 256, \(workers) workers", fixed(1 / best, 0) + " batches/s (\(micros(best)) each)", keepsUp)
    }

    /// The process's peak resident set size in MB (VmHWM).
    static func peakResidentMegabytes() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return "?" }
        return fixed(kb / 1024, 1)
    }
}
