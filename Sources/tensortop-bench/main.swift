import Tensors

// `make bench`: speed figures measured in this run (release build). Never used as a test.

print("TensorTop benchmark — OpenBLAS core \(BLAS.coreName), best of 5 rounds per figure")
print()
var matmul = Report("threads", "shape", "path", "time/call", "GFLOP/s", "vs raw")
var mlp = Report("threads", "case", "path", "time/step", "GFLOP/s", "vs raw", "samples/s")
for threads in [1, 2] {
    BLAS.threads = threads
    TensorBench.matmul(threads: threads, into: &matmul)
    for batch in [64, 256] {
        TensorBench.mlpStep(threads: threads, batch: batch, into: &mlp)
    }
}
print("Matrix product (target: Tensor path within 15 % of raw sgemm)")
print(matmul.render())
print()
print("MLP 784-256-10 training step: forward + backward, cross-entropy, no input gradient")
print(mlp.render())
