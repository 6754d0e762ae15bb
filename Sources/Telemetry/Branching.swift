/// The setting a new branch of the run changes from the moment it branches (`TrainerCommand.branch`).
public enum BranchChange: Sendable, Equatable, Codable {
    /// The same settings: change them afterwards (`+`/`-`, `i`) on the branch alone.
    case none
    /// The learning rate times this factor.
    case scaleLearningRate(Double)
    /// Another optimizer (`sgd`, `adam`, `adamw`) with the same learning rate and a fresh state.
    case optimizer(String)
    /// Another batch size, from the rest of the same epoch's samples on.
    case batchSize(Int)
    /// The weights of a saved checkpoint (a fresh optimizer state: a checkpoint holds none).
    case checkpoint(path: String)

    // The JSON names of unlabelled values (docs/TELEMETRY.md).
    enum ScaleLearningRateCodingKeys: String, CodingKey { case _0 = "factor" }
    enum OptimizerCodingKeys: String, CodingKey { case _0 = "name" }
    enum BatchSizeCodingKeys: String, CodingKey { case _0 = "size" }
}

/// One branch of a run, as a snapshot describes it: where it came from and where it is.
public struct BranchSummary: Sendable, Equatable, Codable {
    /// `A` for the run itself, `B`, `C`, ... for its branches, in the order they were made.
    public var name: String
    /// The branch it was made from (an index into `TrainingSnapshot.branches`); nil for A.
    public var parent: Int?
    /// The parent's step it started from (its weights and optimizer state then); 0 for A.
    public var fromStep: Int
    /// What it changed, e.g. `lr 0.001 → 0.01`; empty for A.
    public var change: String
    /// The branch's own step count.
    public var step: Int
    /// Its learning rate now.
    public var learningRate: Double
    public init(name: String, parent: Int?, fromStep: Int, change: String, step: Int, learningRate: Double) {
        (self.name, self.parent, self.fromStep, self.change, self.step, self.learningRate) = (name, parent, fromStep, change, step, learningRate)
    }

    /// The name of branch `index`: A, B, ..., Z, then A2, B2, ...
    public static func name(_ index: Int) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        let letter = String(letters[((index % 26) + 26) % 26])
        return index < 26 ? letter : letter + "\(index / 26 + 1)"
    }
}

/// A branched run's branches, as a snapshot carries them.
public struct RunBranches: Sendable, Equatable, Codable {
    /// A first, then the branches in the order they were made.
    public var branches: [BranchSummary]
    /// The branch the snapshot shows (and that trains): an index into `branches`.
    public var shown: Int
    public init(branches: [BranchSummary], shown: Int) {
        self.branches = branches
        self.shown = shown
    }
}
