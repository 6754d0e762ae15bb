/// Stops the program with `message` when `condition` is false, in every build.
///
/// Shape mistakes inside an op are programming errors, like Swift's own index errors, and the
/// message names both shapes. `precondition` drops its message in optimised builds, so the
/// tensor code uses this instead: a release build says what went wrong too.
@inline(__always)
func usageCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = "",
                file: StaticString = #file, line: UInt = #line) {
    if !condition() { usageFailure(message(), file: file, line: line) }
}

/// Stops the program with `message`, in every build (`preconditionFailure` drops it when optimised).
func usageFailure(_ message: String, file: StaticString = #file, line: UInt = #line) -> Never {
    fatalError(message, file: file, line: line)
}
