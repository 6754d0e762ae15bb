import ArgumentParser
import Attach
import Dashboard
import Foundation

/// `tensortop attach`: the dashboard on a PyTorch script that runs the probe (`python/`).
struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Watch and steer a PyTorch training script that runs the TensorTop probe.",
        discussion: """
            Start this first (or second: the probe keeps trying), then the script in another terminal: \
            it finds the dashboard through TENSORTOP_ATTACH (and TENSORTOP_TOKEN over TCP), or the default \
            socket when those are unset. Add the probe to the script with two lines:

              from tensortop_probe import Probe
              probe = Probe(model, optimizer)
              ...  # in the loop, after loss.backward():
              probe.step(loss, inputs=x, targets=y, outputs=logits)

            Install it with `pip install ./python`. By default the dashboard listens on a Unix socket only you \
            can open ($XDG_RUNTIME_DIR/tensortop/attach.sock, or /tmp/tensortop-UID/attach.sock). With --listen \
            it listens on TCP and requires a token: a random one it prints, or TENSORTOP_TOKEN from its own \
            environment (set the same value on both sides so that either may start first). Runs attach one at a \
            time; between them the dashboard waits for the next. Space pauses the script at its next step, n steps, \
            + and - change the learning rate, i re-initialises, s saves a checkpoint (on the script's side), X stops \
            the run, q quits the dashboard (the script trains on).
            """)

    @Option(name: .long, help: ArgumentHelp("Listen on TCP instead of a Unix socket (port 0 picks a free one); probes must send the printed token.", valueName: "host:port"))
    var listen: String?

    @Option(name: .long, help: ArgumentHelp("Listen on this Unix socket instead of the default one.", valueName: "path"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("A theme name (dark, light, okabe-ito, high-contrast, mono) or a theme file.", valueName: "name|path"))
    var theme: String?

    @Flag(name: .long, help: "Show pressed keys in an overlay (for recordings).")
    var keys = false

    func validate() throws {
        if listen != nil && socket != nil {
            throw ValidationError("--listen and --socket are two different places to listen: give one of them")
        }
    }

    func run() throws {
        let address = try CommandLineError.wrap { () throws -> AttachAddress in
            if let listen { return try AttachAddress.parseListen(listen) }
            return .unix(path: socket ?? AttachAddress.defaultSocketPath())
        }
        let environmentToken = ProcessInfo.processInfo.environment["TENSORTOP_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        // Listen before taking over the terminal: a busy socket or port is a plain message.
        let source = try CommandLineError.wrap { try AttachSource(address: address, token: environmentToken, tensortopVersion: TensorTopVersion.current) }
        defer { source.close() }
        print("tensortop attach: waiting for a run. In the script's environment: \(source.environmentText)")
        let catalog = ThemeCatalog(executable: URL(fileURLWithPath: CommandLine.arguments[0]))
        _ = TerminalSession(theme: theme, showKeys: keys).run(source, catalog: catalog)
    }
}
