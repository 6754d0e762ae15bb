/// The version `tensortop --version` prints.
enum TensorTopVersion {
    /// Semantic version of this release.
    static let current = "0.1.0"
}
