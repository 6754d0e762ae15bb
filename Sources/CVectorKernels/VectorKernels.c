#include "CVectorKernels.h"

#include <string.h>

/* No a·b + c is fused into one rounding: results must not depend on the CPU's instruction set. */
#pragma clang fp contract(off)

#if defined(__x86_64__) && defined(__linux__) && defined(__clang__)
#define TT_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define TT_VECTOR_CLONES
#endif

typedef float tt_float8 __attribute__((vector_size(32)));
typedef float tt_float4 __attribute__((vector_size(16)));

/* Copies `count` floats in 8-float steps (the last step may pass the end by up to 7). */
static inline __attribute__((always_inline)) void copy_by_eights(const float *source, float *target, long count) {
    for (long k = 0; k < count; k += 8) {
        tt_float8 v;
        memcpy(&v, source + k, sizeof v);
        memcpy(target + k, &v, sizeof v);
    }
}

/* Adds `count` floats of `source` onto `target`: 8, then 4 at a time, then one by one. */
static inline __attribute__((always_inline)) void add_exactly(const float *source, float *target, long count) {
    long k = 0;
    for (; k + 8 <= count; k += 8) {
        tt_float8 a, b;
        memcpy(&a, source + k, sizeof a);
        memcpy(&b, target + k, sizeof b);
        b += a;
        memcpy(target + k, &b, sizeof b);
    }
    for (; k + 4 <= count; k += 4) {
        tt_float4 a, b;
        memcpy(&a, source + k, sizeof a);
        memcpy(&b, target + k, sizeof b);
        b += a;
        memcpy(target + k, &b, sizeof b);
    }
    for (; k < count; k++) target[k] += source[k];
}

TT_VECTOR_CLONES
void tt_lower_rows(const float *padded, float *columns, long channels, long kernelH, long kernelW,
                   long dilationH, long dilationW, long paddedH, long paddedW, long outH, long outW,
                   long strideH) {
    float *row = columns;
    for (long c = 0; c < channels; c++) {
        for (long i = 0; i < kernelH; i++) {
            for (long j = 0; j < kernelW; j++) {
                const float *tap = padded + c * paddedH * paddedW + i * dilationH * paddedW + j * dilationW;
                for (long oh = 0; oh < outH; oh++) copy_by_eights(tap + oh * strideH * paddedW, row + oh * outW, outW);
                row += outH * outW;
            }
        }
    }
}

TT_VECTOR_CLONES
void tt_raise_rows(const float *columns, float *padded, long channels, long kernelH, long kernelW,
                   long dilationH, long dilationW, long paddedH, long paddedW, long outH, long outW,
                   long strideH) {
    const float *row = columns;
    for (long c = 0; c < channels; c++) {
        for (long i = 0; i < kernelH; i++) {
            for (long j = 0; j < kernelW; j++) {
                float *tap = padded + c * paddedH * paddedW + i * dilationH * paddedW + j * dilationW;
                for (long oh = 0; oh < outH; oh++) add_exactly(row + oh * outW, tap + oh * strideH * paddedW, outW);
                row += outH * outW;
            }
        }
    }
}

TT_VECTOR_CLONES
void tt_relu(const float *restrict x, float *restrict y, long count) {
    for (long i = 0; i < count; i++) {
        float value = x[i];
        y[i] = value > 0 ? value : 0;
    }
}

TT_VECTOR_CLONES
void tt_relu_backward(const float *restrict g, const float *restrict y, float *restrict dx, long count) {
    for (long i = 0; i < count; i++) {
        float gradient = g[i], output = y[i];
        dx[i] = output > 0 ? gradient : 0;
    }
}
