#ifndef CMALLOC_SHIM_H
#define CMALLOC_SHIM_H
#include <malloc.h>

/* glibc's malloc hands large blocks (> 128 KB at first) to mmap and returns them on free, so a
   training step that frees and re-allocates its ~1 MB gradient buffers page-faults on every
   step (measured: 250,000 faults and ~0.7 ms per 256-sample step). Raising both thresholds
   keeps those blocks in the heap for reuse. Returns 1 when both settings were accepted. */
static inline int tt_keep_large_blocks(int mmap_threshold, int trim_threshold) {
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1 && mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1;
}
#endif
