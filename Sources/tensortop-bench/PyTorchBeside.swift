import Foundation

/// PyTorch's samples/s for the same cnn training step, from `bench/pytorch_cnn.py --bench` run in
/// `$PYTHON` (the Makefile's, default python3) between TensorTop's own rounds.
///
/// The host is shared and its load changes by the minute, so figures are only comparable when
/// measured close together: the bench alternates one TensorTop round and one PyTorch round.
struct PyTorchBeside {
    /// The Python that runs the script.
    let python: String
    /// The script's path (the bench runs from the repository root, as `make bench` does).
    let script: String

    /// The Python `make bench` passes on (PYTHON), else python3.
    static func fromEnvironment() -> PyTorchBeside {
        let python = ProcessInfo.processInfo.environment["PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
        return PyTorchBeside(python: python, script: "bench/pytorch_cnn.py")
    }

    /// Why PyTorch cannot be measured here (no script, no torch in this Python), or nil when it can.
    func unavailableReason() -> String? {
        guard FileManager.default.fileExists(atPath: script) else {
            return "\(script) not found (run the bench from the repository root, as `make bench` does)"
        }
        guard case .success = run(["-c", "import torch"]) else {
            return "\(python) has no torch (make bench ARGS=--cnn PYTHON=/path/to/venv/bin/python)"
        }
        return nil
    }

    /// One PyTorch round: samples/s by thread count (1 and 2), or why there are none.
    func measure() -> Result<[Int: Double], ChildMeasurementError> {
        switch run([script, "--bench"]) {
        case .failure(let error): return .failure(error)
        case .success(let output):
            let rates = Self.samplesPerSecond(in: output)
            guard rates[1] != nil, rates[2] != nil else {
                return .failure(ChildMeasurementError(message: "no samples/s in \(script)'s output: \(output.prefix(300))"))
            }
            return .success(rates)
        }
    }

    /// The figures in lines like `pytorch 2.5.1 cnn batch 128 adam 0.001, 2 threads: 5063 samples/s`.
    static func samplesPerSecond(in output: String) -> [Int: Double] {
        var rates: [Int: Double] = [:]
        for line in output.split(separator: "\n") {
            guard let comma = line.lastIndex(of: ",") else { continue }
            let words = line[line.index(after: comma)...].split(separator: " ")
            guard words.count == 4, words[1].hasPrefix("thread"), words[3] == "samples/s",
                  let threads = Int(words[0]), let rate = Double(words[2]), rate.isFinite, rate > 0 else { continue }
            rates[threads] = rate
        }
        return rates
    }

    /// Runs the Python with `arguments`; what it printed (output and errors), or its last line
    /// when it fails.
    private func run(_ arguments: [String]) -> Result<String, ChildMeasurementError> {
        switch FinishedProcess.run(URL(fileURLWithPath: "/usr/bin/env"), [python] + arguments, errorsToo: true) {
        case .failure(let error):
            return .failure(error)
        case .success(let finished) where finished.status != 0:
            let last = finished.output.split(separator: "\n").last.map(String.init) ?? "exit status \(finished.status)"
            return .failure(ChildMeasurementError(message: "\(python) \(arguments.joined(separator: " ")): \(last)"))
        case .success(let finished):
            return .success(finished.output)
        }
    }
}
