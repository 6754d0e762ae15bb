#include "CVectorKernels.h"

/* The small products of a convolution step, without packing (see the header). On x86-64 with
 * AVX-512: 16-float vectors along a row of B and C, 12 (then 8, 4, 1) rows of A at a time, each
 * element of A broadcast once per k and fused-multiply-added into 2 vectors of 16 sums; every
 * sum runs in k order. Elsewhere a plain loop gives the same products (only called for tests). */

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>
#define TT_AVX512 __attribute__((target("avx512f")))

int tt_broadcast_gemm_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? 1 : 0;
}

/* One tile: `rows` rows of C by `vectors` (1 or 2) 16-float vectors; the last vector writes only
 * the lanes of `last`. A constant `rows` and `vectors` unroll it into registers. */
static inline __attribute__((always_inline)) TT_AVX512 void broadcast_tile(
    const int rows, const int vectors, long k, const float *a, long aRow, long aColumn,
    const float *b, long ldb, float *c, long ldc, __mmask16 last, int accumulate, const float *start) {
    __m512 sums[12][2];
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < vectors; j++) sums[i][j] = start ? _mm512_set1_ps(start[i]) : _mm512_setzero_ps();
    for (long p = 0; p < k; p++) {
        const float *row = b + p * ldb;
        __m512 b0 = vectors == 2 ? _mm512_loadu_ps(row) : _mm512_maskz_loadu_ps(last, row);
        __m512 b1 = vectors == 2 ? _mm512_maskz_loadu_ps(last, row + 16) : b0;
        const float *column = a + p * aColumn;
        for (int i = 0; i < rows; i++) {
            __m512 s = _mm512_set1_ps(column[i * aRow]);
            sums[i][0] = _mm512_fmadd_ps(s, b0, sums[i][0]);
            if (vectors == 2) sums[i][1] = _mm512_fmadd_ps(s, b1, sums[i][1]);
        }
    }
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < vectors; j++) {
            float *target = c + i * ldc + j * 16;
            __mmask16 mask = j == vectors - 1 ? last : (__mmask16)0xFFFF;
            __m512 value = sums[i][j];
            if (accumulate) value = _mm512_add_ps(value, _mm512_maskz_loadu_ps(mask, target));
            _mm512_mask_storeu_ps(target, mask, value);
        }
}

#define TILE(R, V) broadcast_tile(R, V, k, a + i * aRow, aRow, aColumn, b + v * 16, ldb, c + i * ldc + v * 16, ldc, last, accumulate, \
                                      rowStarts ? rowStarts + i : 0)

TT_AVX512 static void broadcast_gemm_avx512(long m, long n, long k, const float *a, long aRow, long aColumn,
                                            const float *b, long ldb, float *c, long ldc, int accumulate,
                                            const float *rowStarts) {
    long vectors = (n + 15) / 16;
    __mmask16 tail = n % 16 ? (__mmask16)((1u << (n % 16)) - 1) : (__mmask16)0xFFFF;
    for (long v = 0; v < vectors; v += 2) {  /* a panel of B (k × 32) serves every row of A */
        int pair = vectors - v >= 2;
        __mmask16 last = v + (pair ? 2 : 1) == vectors ? tail : (__mmask16)0xFFFF;
        long i = 0;
        if (pair) {
            for (; i + 12 <= m; i += 12) TILE(12, 2);
            for (; i + 8 <= m; i += 8) TILE(8, 2);
            for (; i + 4 <= m; i += 4) TILE(4, 2);
            for (; i < m; i++) TILE(1, 2);
        } else {
            for (; i + 12 <= m; i += 12) TILE(12, 1);
            for (; i + 8 <= m; i += 8) TILE(8, 1);
            for (; i + 4 <= m; i += 4) TILE(4, 1);
            for (; i < m; i++) TILE(1, 1);
        }
    }
}
#undef TILE
#else
int tt_broadcast_gemm_available(void) { return 0; }
#endif

void tt_broadcast_gemm(long m, long n, long k, const float *a, long aRow, long aColumn,
                       const float *b, long ldb, float *c, long ldc, int accumulate, const float *rowStarts) {
#if defined(__x86_64__) && defined(__clang__)
    if (__builtin_cpu_supports("avx512f")) {  /* a load and a bit test: the runtime has read the CPU at load time */
        broadcast_gemm_avx512(m, n, k, a, aRow, aColumn, b, ldb, c, ldc, accumulate, rowStarts);
        return;
    }
#endif
    for (long i = 0; i < m; i++)
        for (long j = 0; j < n; j++) {
            float sum = rowStarts ? rowStarts[i] : 0;
            for (long p = 0; p < k; p++) sum += a[i * aRow + p * aColumn] * b[p * ldb + j];
            c[i * ldc + j] = accumulate ? c[i * ldc + j] + sum : sum;
        }
}

void tt_transpose(const float *source, float *target, long rows, long columns) {
    /* Tiles of 16 × 16: the rows of a tile stay in L1 while its columns are written out. */
    for (long r0 = 0; r0 < rows; r0 += 16) {
        long r1 = r0 + 16 < rows ? r0 + 16 : rows;
        for (long c0 = 0; c0 < columns; c0 += 16) {
            long c1 = c0 + 16 < columns ? c0 + 16 : columns;
            for (long c = c0; c < c1; c++)
                for (long r = r0; r < r1; r++) target[c * rows + r] = source[r * columns + c];
        }
    }
}
