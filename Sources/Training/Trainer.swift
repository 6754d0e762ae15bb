import Checkpoints
import Datasets
import Foundation
import NN
import Optim
import Tensors
import Telemetry

/// The training engine: owns the model, optimizer, loss and data, and runs on its own thread.
///
/// It is created on that thread by `TrainerController.start` and never shared; the
/// controller carries commands in and snapshots, losses and events out.
final class Trainer {
    let config: TrainingConfig
    let controller: TrainerController
    let trainData: Subset<FashionMNIST>
    let testData: Subset<FashionMNIST>
    let model: Module
    /// Parameters by PyTorch dotted name, in order.
    let parameters: [(name: String, tensor: Tensor)]
    /// Copies of the parameters from a recent step whose loss was finite (taken every
    /// `backupInterval` steps: a copy per step would cost a few percent of the step time).
    let lastFinite: [Tensor]
    /// The step whose parameters `lastFinite` holds.
    var lastFiniteStep = 0
    /// Steps between parameter backups.
    static let backupInterval = 10
    var optimizer: Optimizer
    /// The optimizer family the active branch trains with (the configured one, unless a branch changed it).
    var optimizerKind: OptimizerKind
    var loader: DataLoader<Subset<FashionMNIST>>
    var epochBatches: DataLoader<Subset<FashionMNIST>>.Iterator?
    let initGenerator: Generator

    /// Where the run is and the stepping it owes; `loop` does what it says.
    var control: RunControl
    var step = 0
    /// Completed epochs in the current segment.
    var epochsDone = 0
    var stepInEpoch = 0
    var segment = 0
    var epochLossSum = 0.0
    var epochSeconds = 0.0
    /// Training samples of the current epoch's steps.
    var epochSamples = 0
    var epochResults: [EpochResult] = []
    var journal: [JournalEntry] = []
    var initRecords: [String: InitRecord] = [:]
    var normHistory: [String: [Double]] = [:]
    /// The step of each parameter's latest history entry.
    var normHistoryStep: [String: Int] = [:]
    var snapshotSequence = 0
    var lastSnapshot = -Double.infinity
    var snapshotRequested = true
    var started = Clock.now()
    var throughput = Throughput()
    /// Watches for a loss that stays far above its start (a learning rate far too high).
    var lossWatch = LossWatch()
    /// The last trained batch, kept for the preview until the next snapshot.
    var lastBatch: (images: Tensor, labels: Tensor, logits: Tensor)?
    /// The run's branches, A first (just A until `b`), and the one training now.
    var branches: [Branch] = [Branch(name: BranchSummary.name(0), parent: nil, fromStep: 0, change: "")]
    var activeBranch = 0

    /// Builds everything, then trains until the run ends or is stopped; returns why it ended
    /// (the reason commands sent afterwards are refused with).
    static func run(config: TrainingConfig, controller: TrainerController) -> String {
        do {
            let trainer = try Trainer(config: config, controller: controller)
            trainer.loop()
            return "the training run has ended (\(trainer.control.state))"
        } catch {
            let message = "\(error)"
            controller.publish(TrainingSnapshot(state: .failed(message)))
            controller.report(.failed(message))
            return "the training run could not start: \(message)"
        }
    }

    init(config: TrainingConfig, controller: TrainerController) throws {
        self.config = config
        self.controller = controller
        control = RunControl(manualStepping: config.manualStepping, keepAliveWhenFinished: config.keepAliveWhenFinished)
        // Per-thread, like grad mode: set here, on the trainer's own thread, before the model is made.
        useDeterministicAlgorithms(config.deterministic)
        // The step's threads are a compute pool that hands out blocks of each op first come, first
        // served, and each block calls single-threaded OpenBLAS. Unlike OpenBLAS's own threads
        // (a fixed share each), a helper that a busy neighbour keeps off its core takes no block
        // and the trainer does them all: measured next to a busy process, 2 threads kept 103,000
        // samples/s this way against 36,000–41,000 with OpenBLAS's threads (1 thread: 107,000–111,000).
        BLAS.threads = 1
        setComputeThreads(config.threads)
        manualSeed(config.seed)
        initGenerator = defaultGenerator
        let root = config.dataRoot.map { URL(fileURLWithPath: $0) }
        trainData = Subset(try FashionMNIST(root: root, train: true), first: config.trainLimit)
        testData = Subset(try FashionMNIST(root: root, train: false), first: config.testLimit)
        model = config.model.spec.makeModule()
        parameters = model.namedParameters()
        lastFinite = parameters.map { $0.tensor.detach().clone() }
        optimizerKind = config.optimizer
        optimizer = Self.makeOptimizer(config.optimizer, config, parameters.map(\.tensor), learningRate: config.learningRate)
        loader = DataLoader(trainData, batchSize: config.batchSize, shuffle: true, generator: Generator(seed: config.seed &+ 1),
                            numWorkers: config.effectiveDataWorkers)
        try applyStartingInitialization(config.initMethod, atStart: true)
        control.loaded(startPaused: config.startPaused)
    }

    /// A fresh optimizer of family `kind` with the configured hyperparameters and `learningRate`.
    static func makeOptimizer(_ kind: OptimizerKind, _ config: TrainingConfig, _ parameters: [Tensor], learningRate: Double) -> Optimizer {
        let lr = Float(learningRate), decay = Float(config.weightDecay)
        switch kind {
        case .sgd: return SGD(parameters, lr: lr, momentum: Float(config.momentum), weightDecay: decay, nesterov: config.nesterov)
        case .adam: return Adam(parameters, lr: lr, weightDecay: decay)
        case .adamw: return AdamW(parameters, lr: lr, weightDecay: config.weightDecay == 0 ? 1e-2 : decay)
        }
    }

    // MARK: The loop

    func loop() {
        publishSnapshot()
        while true {
            // Apply the commands, publish a snapshot that shows their effect, then acknowledge:
            // whoever waits for an acknowledgement finds a snapshot at least that new.
            if controller.takeModelRequest() { controller.deliver(modelCopy()) }
            let commands = controller.takeCommands()
            let acknowledgements = commands.map { handle($0.1, id: $0.0) }
            if !commands.isEmpty || snapshotRequested { publishSnapshot() }
            for event in acknowledgements { controller.report(event) }
            switch control.next(now: Clock.now()) {
            case .stop:
                publishSnapshot()
                controller.report(.stopped)
                return
            case .advanceStep:
                if control.finishedAdvanceStep(trained: trainOneStep()) {
                    publishSnapshot()
                    controller.report(.reachedStep(step))
                }
            case .runStep:
                control.finishedRunStep(trained: trainOneStep())
                if snapshotDue() { publishSnapshot() }
            case .pausedAfterSteps:
                publishSnapshot()
            case .pace(let seconds):
                if snapshotDue() { publishSnapshot() }
                _ = controller.wake.wait(timeout: .now() + seconds)
            case .waitForCommand:
                controller.wake.wait()
            case .end:
                return
            }
        }
    }

    func snapshotDue() -> Bool {
        if snapshotRequested { return true }
        guard let interval = config.snapshotInterval else { return false }
        return Clock.now() - lastSnapshot >= interval
    }

    /// One optimisation step on the next batch (true), or the end of the epoch if there is none (false).
    @discardableResult
    func trainOneStep() -> Bool {
        if epochBatches == nil { epochBatches = loader.makeIterator() }
        let began = Clock.now()
        let batch: TensorTuple?
        do {
            batch = try epochBatches!.nextBatch()
        } catch {
            fail("reading a batch: \(error)")
            return false
        }
        guard let batch else {
            finishEpoch()
            return false
        }
        let (images, labels) = (batch[0], batch[1])
        optimizer.zeroGrad()
        let logits = model(images)
        let loss = Tensor.crossEntropy(logits, labels)
        let value = Double(loss.item())
        guard value.isFinite else {
            diverge(loss: value)
            return false
        }
        if step % Self.backupInterval == 0 || step - lastFiniteStep >= Self.backupInterval {
            noGrad { for (backup, p) in zip(lastFinite, parameters) { backup.copy_(p.tensor) } }
            lastFiniteStep = step
        }
        try! loss.backward()  // a scalar loss with a graph: cannot throw
        optimizer.step()
        step += 1
        stepInEpoch += 1
        epochLossSum += value
        controller.append(LossPoint(step: step, loss: value, segment: segment, learningRate: Double(optimizer.lr), branch: activeBranch))
        if let warning = lossWatch.observe(value, learningRate: optimizer.lr) {
            journal.append(JournalEntry(step: step, kind: .warning, text: warning))
            controller.report(.warning(warning))
        }
        let elapsed = Clock.now() - began
        epochSeconds += elapsed
        epochSamples += labels.count
        throughput.add(samples: labels.count, seconds: elapsed)
        lastBatch = (images, labels, logits)
        return true
    }

    func finishEpoch() {
        epochBatches = nil
        epochsDone += 1
        do {
            let evaluation = try Evaluation(model: model, data: testData)
            let result = EpochResult(
                epoch: epochsDone, step: step, trainLoss: stepInEpoch > 0 ? epochLossSum / Double(stepInEpoch) : .nan,
                testLoss: evaluation.loss, testAccuracy: evaluation.accuracy, perClassAccuracy: evaluation.perClassAccuracy,
                confusion: evaluation.confusion, seconds: epochSeconds, samples: epochSamples)
            epochResults.append(result)
            controller.report(.epochFinished(result))
        } catch {
            fail("evaluating on the test set: \(error)")
            return
        }
        stepInEpoch = 0
        epochLossSum = 0
        epochSeconds = 0
        epochSamples = 0
        if epochsDone >= config.epochs {
            control.finished()
            publishSnapshot()
            controller.report(.finished)
        } else {
            snapshotRequested = true
        }
    }

    /// A non-finite loss: pause, put back the last finite parameters, and say so.
    func diverge(loss: Double) {
        noGrad { for (backup, p) in zip(lastFinite, parameters) { p.tensor.copy_(backup) } }
        let at = step + 1
        control.diverged(atStep: at)
        journal.append(JournalEntry(step: at, kind: .diverged,
                                    text: "loss \(loss) at step \(at); paused and restored the parameters of step \(lastFiniteStep)"))
        controller.report(.diverged(step: at, loss: loss))
        publishSnapshot()
    }

    func fail(_ message: String) {
        control.failed(message)
        controller.report(.failed(message))
        publishSnapshot()
    }

    /// The layer owning parameter `name`.
    func owner(of name: String) -> Module? {
        let path = name.split(separator: ".").dropLast().joined(separator: ".")
        return model.namedModules().first { $0.name == path }?.module
    }

    /// The fan-in of the layer owning parameter `name` (for biases' default init): a Linear's
    /// in_features, a Conv2d's in_channels/groups · kH · kW.
    func fanIn(of name: String) -> Int? {
        switch owner(of: name) {
        case let linear as Linear: linear.inFeatures
        case let conv as Conv2d: conv.inChannels / conv.groups * conv.kernelSize.height * conv.kernelSize.width
        default: nil
        }
    }

    /// What `method` does to parameter `name` of `rank` dims when it fills every parameter.
    ///
    /// A batch-norm layer's default is its own (`reset_parameters`: weight 1, bias 0); a method
    /// that needs two dims leaves a batch-norm weight at 1 and sets other vectors (biases) to 0.
    func fillingMethod(_ method: InitMethod, forParameter name: String, rank: Int) -> InitMethod {
        let isBatchNormWeight = owner(of: name) is BatchNormBase && name.hasSuffix("weight")
        if method == .pytorchDefault, owner(of: name) is BatchNormBase { return isBatchNormWeight ? .ones : .zeros }
        guard rank < 2, !method.worksOnVectors else { return method }
        return isBatchNormWeight ? .ones : .zeros
    }
}

/// Monotonic seconds.
enum Clock {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}

/// Samples per second over the recent steps (an exponential average of step rates).
struct Throughput {
    private(set) var samplesPerSecond = 0.0
    private var samples = 0
    private var seconds = 0.0

    mutating func add(samples n: Int, seconds s: Double) {
        samples += n
        seconds += s
        if seconds >= 0.25 {
            let rate = Double(samples) / seconds
            samplesPerSecond = samplesPerSecond == 0 ? rate : 0.7 * samplesPerSecond + 0.3 * rate
            samples = 0
            seconds = 0
        }
    }

    mutating func reset() { self = Throughput() }
}
