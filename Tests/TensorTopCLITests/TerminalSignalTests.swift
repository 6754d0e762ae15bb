import Foundation
import Testing
import TestSupport

/// The release binary's dashboard in tmux, killed by each signal that ends a process: the
/// terminal must be back in cooked mode with echo afterwards, and the exit status must name
/// the signal (128 + its number in the shell).
@Suite(.serialized) struct TerminalSignalTests {
    static let signals: [(name: String, number: Int32)] = [
        ("HUP", SIGHUP), ("USR1", SIGUSR1), ("USR2", SIGUSR2), ("PIPE", SIGPIPE), ("ALRM", SIGALRM), ("QUIT", SIGQUIT),
        ("SEGV", SIGSEGV), ("ILL", SIGILL), ("ABRT", SIGABRT), ("BUS", SIGBUS), ("FPE", SIGFPE), ("TRAP", SIGTRAP),
    ]

    @Test(.enabled(if: DashboardEndToEndTests.available, "needs tmux and the release build (make test builds it)"),
          arguments: signals.map(\.name))
    func signalLeavesTheTerminalUsable(signal name: String) throws {
        let number = try #require(Self.signals.first { $0.name == name }?.number)
        let session = "tt-sig-\(name)-\(UUID().uuidString.prefix(8))"
        let work = Binary.temporaryDirectory()
        let data = TrainCommandTests.dataFolder(train: 2000, test: 100)
        // The inner shell writes its process id, then becomes tensortop (exec keeps the id).
        let command = "sh -c 'echo $$ > pid; exec \(DashboardEndToEndTests.releaseBinary.path) --data \(data) --batch-size 16 --epochs 1000'; "
            + "echo EXIT=$?; stty -a; sleep 60"
        try Tmux.run(["new-session", "-d", "-s", session, "-x", "120", "-y", "40", "-c", work.path, command])
        defer { _ = try? Tmux.run(["kill-session", "-t", session]) }

        try #require(try DashboardEndToEndTests.screen(session) { $0.contains("RUNNING") && $0.contains("Gradients") } != nil)
        let pidText = try String(contentsOf: work.appendingPathComponent("pid"), encoding: .utf8)
        let pid = try #require(pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, number) == 0)

        let after = try #require(try DashboardEndToEndTests.screen(session) { $0.contains("EXIT=") && $0.contains("icanon") })
        #expect(after.contains("EXIT=\(128 + number)"), "\(after)")
        #expect(after.contains(" icanon") && after.contains(" echo") && after.contains(" icrnl") && after.contains(" onlcr"))
        #expect(!after.contains("-icanon") && !after.contains("-echo ") && !after.contains("-icrnl") && !after.contains("-onlcr"))
    }
}
