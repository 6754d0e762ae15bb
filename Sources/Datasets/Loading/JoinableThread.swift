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
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }

    /// Starts `body` on a new thread named `name` (at most 15 characters are kept).
    public init(name: String, _ body: @escaping @Sendable () -> Void) {
        let work = Unmanaged.passRetained(Work(name: name, body: body)).toOpaque()
        var handle = pthread_t()
        let status = pthread_create(&handle, nil, { raw in
            let work = Unmanaged<Work>.fromOpaque(raw!).takeRetainedValue()
            Thread.current.name = String(work.name.prefix(15))
            work.body()
            return nil
        }, work)
        precondition(status == 0, "cannot start a thread (pthread_create returned \(status))")
        self.handle = handle
    }

    /// Waits until the thread has finished.
    public func join() {
        pthread_join(handle, nil)
    }
}
