import Testing
import Telemetry
@testable import Training

/// The trainer's stepping as a value: every transition checked directly, no thread, no clock.
@Suite struct RunControlTests {
    /// A loaded run, running freely or paused.
    static func loaded(paused: Bool = false, manual: Bool = false, keepAlive: Bool = false) -> RunControl {
        var control = RunControl(manualStepping: manual, keepAliveWhenFinished: keepAlive)
        control.loaded(startPaused: paused)
        return control
    }

    /// Whether `action` is a pacing wait of `seconds` (to rounding).
    static func waits(_ action: RunControl.Action, about seconds: Double) -> Bool {
        guard case .pace(let wait) = action else { return false }
        return abs(wait - seconds) < 1e-9
    }

    @Test func aRunningRunTrainsAndAPausedOneWaits() throws {
        var control = Self.loaded()
        #expect(take { control.next(now: 0) } == .runStep)
        #expect(try take { try control.pause(atStep: 7) } == "paused at step 7")
        #expect(control.state == .paused && control.isTraining)
        #expect(take { control.next(now: 0) } == .waitForCommand)
        #expect(throws: Refusal.self) { try control.pause(atStep: 7) }
        #expect(try take { try control.togglePause(atStep: 7) } == "resumed at step 7")
        #expect(control.state == .running)
    }

    @Test func stepCommandsRunThatManyStepsThenPause() throws {
        var control = Self.loaded(paused: true)
        #expect(try take { try control.step(2) } == "running 2 steps")
        for _ in 0..<2 {
            #expect(take { control.next(now: 0) } == .runStep)
            control.finishedRunStep(trained: true)
        }
        #expect(take { control.next(now: 0) } == .pausedAfterSteps)
        #expect(control.state == .paused && control.stepsToRun == nil)
        #expect(take { control.next(now: 0) } == .waitForCommand)
    }

    /// A step that ended an epoch instead of training is not counted.
    @Test func anEpochEndIsNotAStep() throws {
        var control = Self.loaded(paused: true)
        _ = try control.step(1)
        control.finishedRunStep(trained: false)
        #expect(control.stepsToRun == 1)
        #expect(take { control.next(now: 0) } == .runStep)
    }

    @Test func anAdvanceReturnsToTheStateBeforeItAndReportsOnce() throws {
        var control = Self.loaded()
        try control.advance(2)
        #expect(take { control.next(now: 0) } == .advanceStep)
        #expect(!take { control.finishedAdvanceStep(trained: true) })
        #expect(!take { control.finishedAdvanceStep(trained: false) })  // an epoch end: still one to go
        #expect(take { control.next(now: 0) } == .advanceStep)
        #expect(take { control.finishedAdvanceStep(trained: true) })     // reachedStep is due
        #expect(control.advance == nil && control.state == .running)
        #expect(throws: Refusal.self) { try control.advance(0) }
    }

    /// Under manual stepping a running run never steps by itself; `step` becomes an advance that ends paused.
    @Test func manualSteppingStepsOnlyOnCommand() throws {
        var control = Self.loaded(manual: true)
        #expect(take { control.next(now: 0) } == .waitForCommand)
        _ = try control.step(1)
        #expect(take { control.next(now: 0) } == .advanceStep)
        #expect(take { control.finishedAdvanceStep(trained: true) })
        #expect(control.state == .paused)
    }

    @Test func anAdvanceEndsWhenTheRunStopsTraining() throws {
        var control = Self.loaded(paused: true)
        try control.advance(5)
        control.finished()
        #expect(take { control.finishedAdvanceStep(trained: false) })
        #expect(control.state == .finished)
        #expect(take { control.next(now: 0) } == .end)
        var kept = Self.loaded(keepAlive: true)
        kept.finished()
        #expect(take { kept.next(now: 0) } == .waitForCommand)
        #expect(throws: Refusal("the run is finished; reset it to train again")) { try kept.resume(atStep: 1) }
        kept.reset()
        #expect(kept.state == .running)
    }

    @Test func aDivergedRunGoesOnFromPaused() throws {
        var control = Self.loaded()
        _ = try control.step(3)
        control.diverged(atStep: 4)
        #expect(!control.isTraining && control.stepsToRun == nil)
        #expect(take { control.next(now: 0) } == .waitForCommand)
        _ = try control.step(1)  // resumable: from paused
        #expect(control.state == .running && control.stepsToRun == 1)
        control.diverged(atStep: 5)
        control.weightsReplaced()
        #expect(control.state == .paused)
        control.diverged(atStep: 6)
        control.reset()
        #expect(control.state == .paused)
    }

    @Test func stopWinsOverEverything() throws {
        var control = Self.loaded()
        try control.advance(3)
        #expect(take { control.stop(atStep: 9) } == "stopping at step 9")
        #expect(take { control.next(now: 0) } == .stop)
        control.failed("disk")
        #expect(throws: Refusal("cannot resume: failed: disk")) { try control.resume(atStep: 9) }
    }

    /// `setSpeed`: one step per time slot of 1/speed seconds, the clock passed in.
    @Test func pacingWaitsOutEachStepsSlot() throws {
        var control = Self.loaded()
        #expect(try take { try control.setSpeed(2) } == "speed: \(SpeedText.describe(2))")
        #expect(take { control.next(now: 100) } == .runStep)                 // the first step takes its slot at once
        control.finishedRunStep(trained: true)
        #expect(Self.waits(take { control.next(now: 100.1) }, about: 0.4))
        #expect(take { control.next(now: 100.5) } == .runStep)               // the next slot has come
        #expect(control.lastPacedStep == 100.5)
        #expect(take { control.next(now: 100.6) } != .runStep)
        #expect(try take { try control.setSpeed(nil) } == "speed: unlimited")
        #expect(take { control.next(now: 100.6) } == .runStep)
    }

    /// A command during a pacing wait is applied at once, and decides what comes next.
    @Test func aCommandCutsAPacingWaitShort() throws {
        var control = Self.loaded()
        _ = try control.setSpeed(1)
        #expect(take { control.next(now: 10) } == .runStep)
        #expect(Self.waits(take { control.next(now: 10.25) }, about: 0.75))
        _ = try control.pause(atStep: 1)                             // arrives 0.1 s into the wait
        #expect(take { control.next(now: 10.35) } == .waitForCommand)
        _ = try control.resume(atStep: 1)
        #expect(Self.waits(take { control.next(now: 10.4) }, about: 0.6))    // still the same slot
        try control.advance(1)                                       // scripted steps are not paced
        #expect(take { control.next(now: 10.4) } == .advanceStep)
    }

    @Test func impossibleSpeedsAreRefusedAndHugeOnesCapped() throws {
        var control = Self.loaded()
        for bad in [0, -1, Double.nan, .infinity] {
            #expect(throws: Refusal.self) { try control.setSpeed(bad) }
        }
        _ = try control.setSpeed(1e300)
        #expect(control.speedLimit == 1e6)
    }

    @Test func aBranchSwitchDuringStepsPausesAndADivergedBranchStaysDiverged() throws {
        var control = RunControl()
        control.loaded(startPaused: true)
        _ = try control.step(3)
        control.branchSwitched(to: .paused)
        #expect(control.state == .paused)
        control.loaded(startPaused: false)
        control.branchSwitched(to: .diverged(step: 7))
        #expect(control.state == .diverged(step: 7))
        control.branchSwitched(to: .running)
        #expect(control.state == .paused)
        control.finished()
        control.branchSwitched(to: .finished)
        #expect(control.state == .finished)
    }
}

/// The value `body` returns (lets `#expect` check the result of a mutating call).
func take<T>(_ body: () throws -> T) rethrows -> T { try body() }
