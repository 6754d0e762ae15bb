import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A POSIX thread that can be joined: after `join()` returns the thread no longer exists,
/// so a stopped data loader provably leaves no threads behind.
public struct JoinableThread: Sendable {
    private let handle: pthread_t

    /// The work a new thread runs, boxed to cross the C boundary.
    private final class Work {
        let name: String
        let body: @Sendable () -> Void
        /// Signalled once the thread runs and carries its name.
        let started = DispatchSemaphore(value: 0)
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }

    /// Starts `body` on a new thread named `name` (at most 15 characters are kept), and
    /// returns once the thread is running under that name.
    public init(name: String, _ body: @escaping @Sendable () -> Void) {
        let box = Work(name: name, body: body)
        let started = box.started
        let work = Unmanaged.passRetained(box).toOpaque()
        var handle = pthread_t()
        let status = pthread_create(&handle, nil, { raw in
            let work = Unmanaged<Work>.fromOpaque(raw!).takeRetainedValue()
            Thread.current.name = String(work.name.prefix(15))
            work.started.signal()
            JoinableThread.withAlternateSignalStack(work.body)
            return nil
        }, work)
        precondition(status == 0, "cannot start a thread (pthread_create returned \(status))")
        started.wait()
        self.handle = handle
    }

    /// Runs `body` with a signal stack of the calling thread's own, so that after a stack
    /// overflow on this thread a handler can still run (the dashboard's terminal guard, then
    /// Swift's crash reporter); without one the kernel kills the process with the terminal raw.
    static func withAlternateSignalStack(_ body: () -> Void) {
        let size = 64 * 1024
        guard let memory = malloc(size) else { return body() }
        defer { free(memory) }
        var stack = stack_t(ss_sp: memory, ss_flags: 0, ss_size: size)
        guard sigaltstack(&stack, nil) == 0 else { return body() }
        body()
        var disabled = stack_t()
        disabled.ss_flags = Int32(SS_DISABLE)
        sigaltstack(&disabled, nil)
    }

    /// Waits until the thread has finished.
    public func join() {
        pthread_join(handle, nil)
    }
}
