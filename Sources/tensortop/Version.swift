import Tensors

/// The version `tensortop --version` prints.
enum TensorTopVersion {
    /// Semantic version of this release.
    static let current = "0.1.0"

    /// What `--version` prints: the version, then the OpenBLAS kernel in use (`OpenBLAS core SkylakeX`).
    static var withBLASCore: String { "\(current)\nOpenBLAS core \(BLAS.coreName)" }
}
