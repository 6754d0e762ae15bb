import CMalloc

/// Process-wide memory settings for training.
public enum Allocator {
    /// Keeps large freed blocks in the heap for reuse instead of returning them to the kernel.
    ///
    /// Every training step frees and re-allocates buffers of about a megabyte (gradients,
    /// activations). glibc maps blocks that large with mmap and unmaps them on free, so each
    /// step paid ~250,000 page faults per epoch — about 0.7 ms per 256-sample step, more
    /// than the rest of the non-BLAS work together. Call once at program start; executables
    /// (`tensortop`, the bench) do. Blocks up to 8 MB (a layer's gradients) are kept and
    /// reused; larger ones (a decompressed data set) still go back to the kernel, and the heap
    /// is trimmed above 64 MB of free space, so peak memory stays close to what is in use.
    @discardableResult
    public static func keepLargeBlocks() -> Bool {
        tt_keep_large_blocks(8 << 20, 64 << 20) == 1
    }
}
