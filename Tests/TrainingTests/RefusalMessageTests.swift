import Foundation
import Synchronization
import Testing
import NN
import Telemetry
@testable import Training

/// What a refused command says: the trainer's own words, never a command-line flag.
@Suite struct RefusalMessageTests {
    /// A re-initialisation the dashboard asks for and the trainer refuses reads
    /// "refused: unknown init method …", not "refused: --init: …".
    @Test func aRefusedReinitialisationNamesNoFlag() throws {
        var config = SyntheticData.config()
        config.startPaused = true
        let controller = try TrainerController.start(config)
        for choice in [InitChoice(name: "magic"), InitChoice(name: "normal_", arguments: [.init("std", "-1")]),
                       InitChoice(name: "kaiming_normal_", arguments: [.init("mode", "'sideways'")])] {
            let answer = try #require(controller.acknowledge(.reinitialize(parameter: nil, method: choice)))
            #expect(!answer.applied)
            #expect(!answer.text.contains("--init"), "\(answer.text)")
            #expect(answer.text.contains(choice.name), "\(answer.text)")
        }
        let unknown = controller.acknowledge(.setHyperparameter(name: "beta3", value: 0.5))
        #expect(unknown?.text == "Adam has no hyperparameter 'beta3'; it has lr, beta1, beta2, eps, weight_decay")
        controller.send(.stop)
        controller.join()
    }

    /// A reset whose re-initialisation fails is refused with the reason, and resets nothing else
    /// (it used to drop the failure with `try?` and carry on).
    @Test func aFailingResetIsReportedAndChangesNothingElse() throws {
        let config = SyntheticData.config()
        let outcome = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)
        // The trainer lives on its own thread (its generator and grad mode are per thread).
        let thread = Thread {
            defer { done.signal() }
            do {
                let trainer = try Trainer(config: config, controller: TrainerController())
                trainer.trainOneStep()
                let segment = trainer.segment, lr = trainer.optimizer.lr
                do {
                    // dirac_ cannot fill the 2-D weights of Linear layers (validation keeps it
                    // out of a configuration; here it stands for any failing initialisation).
                    _ = try trainer.reset(initializingWith: .dirac(groups: 1))
                    outcome.withLock { $0.append("applied") }
                } catch {
                    outcome.withLock { $0.append("\(error)") }
                }
                let unchanged = trainer.segment == segment && trainer.optimizer.lr == lr && trainer.stepInEpoch == 1
                    && !trainer.journal.contains { $0.kind == .reset }
                outcome.withLock { $0.append(unchanged ? "unchanged" : "changed") }
            } catch {
                outcome.withLock { $0.append("could not start: \(error)") }
            }
        }
        thread.start()
        done.wait()
        let lines = outcome.withLock { $0 }
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("reset stopped re-initialising: dirac_ on 1.weight: ") == true, "\(lines)")
        #expect(lines.last == "unchanged")
    }
}
