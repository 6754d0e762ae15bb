import Foundation
import TestSupport

/// A release dashboard in its own 120×40 tmux session, and what the pane shows after it ends.
struct DashboardSession {
    let name: String
    let folder: URL

    /// Starts `tensortop --data SYNTHETIC --batch-size 16 --epochs 1000 ARGUMENTS` in `folder`.
    init(_ label: String, in folder: URL = Binary.temporaryDirectory(), arguments: String = "") throws {
        let data = TrainCommandTests.dataFolder(train: 2000, test: 100)
        try self.init(label, in: folder, commandLine: "--data \(data) --batch-size 16 --epochs 1000 \(arguments)")
    }

    /// Starts `tensortop COMMANDLINE` in `folder`; the inner shell writes its process id to
    /// `folder/pid` and then becomes tensortop (exec keeps the id). When it ends the pane shows
    /// `EXIT=status` and `stty -a`.
    init(_ label: String, in folder: URL, commandLine: String) throws {
        name = "tt-\(label)-\(UUID().uuidString.prefix(8))"
        self.folder = folder
        let command = "sh -c 'echo $$ > pid; exec \(DashboardEndToEndTests.releaseBinary.path) \(commandLine)'; "
            + "echo EXIT=$?; stty -a; sleep 60"
        try Tmux.run(["new-session", "-d", "-s", name, "-x", "120", "-y", "40", "-c", folder.path, command])
    }

    func send(_ keys: String...) throws { try Tmux.run(["send-keys", "-t", name] + keys) }

    /// The pane once `condition` holds (nil after 30 s).
    func screen(until condition: (String) -> Bool) throws -> String? { try DashboardEndToEndTests.screen(name, until: condition) }

    /// tensortop's process id.
    func processID() throws -> pid_t? {
        pid_t(try String(contentsOf: folder.appendingPathComponent("pid"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Waits for the end (answering the crash reporter's prompt, or sending `keys` while the
    /// dashboard still runs) and returns the exit status and whether the terminal is cooked
    /// with echo, CR→NL on input and NL→CRNL on output.
    func finish(sending keys: [String] = []) throws -> (status: Int?, restored: Bool, pane: String) {
        let pane = try screen { screen in
            if screen.contains("Press space to interact") {
                _ = try? Tmux.run(["send-keys", "-t", name, "q"])
            } else if !screen.contains("EXIT="), !keys.isEmpty {
                _ = try? Tmux.run(["send-keys", "-t", name] + keys)
            }
            return screen.contains("EXIT=") && screen.contains("icanon")
        } ?? ""
        let status = pane.range(of: "EXIT=[0-9]+", options: .regularExpression).flatMap { Int(pane[$0].dropFirst(5)) }
        let cooked = [" icanon", " echo ", " icrnl", " onlcr"].allSatisfy(pane.contains)
        let raw = ["-icanon", "-echo ", "-icrnl", "-onlcr"].contains(where: pane.contains)
        return (status, cooked && !raw, pane)
    }

    func close() { _ = try? Tmux.run(["kill-session", "-t", name]) }
}
