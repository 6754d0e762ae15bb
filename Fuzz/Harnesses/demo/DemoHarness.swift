import App
import Training
import FuzzSupport

/// libFuzzer entry point: the bytes as a demo script (`tensortop demo FILE`): parsed, and its
/// `settings` applied to a training configuration and validated, as the demo runner does first.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDemoScript(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    // A script file is read as UTF-8, and refused when it is not.
    guard let text = String(validating: bytes, as: UTF8.self),
          let script = try? DemoScript(text: text, file: "fuzz.tt")
    else { return 0 }
    var config = TrainingConfig()
    if (try? script.settings.apply(to: &config)) != nil {
        _ = try? config.validate()
    }
    return 0
}

/// The harness executable: libFuzzer's command line (`make fuzz` shows the options it uses).
@main enum DemoScriptFuzzer {
    static func main() { runFuzzer(fuzzDemoScript) }
}
