import CFuzzer
import Foundation

/// A harness's test function: called once per input with its bytes; returns 0.
public typealias FuzzTarget = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// Runs libFuzzer on `target` with this process's command line, then exits with libFuzzer's status.
///
/// SwiftPM links an executable with its own `main` (it renames the module's entry point to
/// `main`), so libFuzzer's `main` is never used; each harness's `@main` calls this instead.
public func runFuzzer(_ target: FuzzTarget) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, target))
}

/// The `size` bytes at `data` (libFuzzer passes a null pointer for an empty input).
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
}
