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
typedef double tt_double4 __attribute__((vector_size(32)));

/* Loads four floats from `p` into `out` as doubles (exact). A macro: a function returning a
 * 32-byte vector would change the calling convention between the plain and the AVX2 builds. */
#define LOAD_DOUBLES4(out, p) do { tt_float4 loaded_; memcpy(&loaded_, (p), sizeof loaded_); \
                                   (out) = __builtin_convertvector(loaded_, tt_double4); } while (0)

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

/* Σx over one channel, in the layout and order of the header. */
TT_VECTOR_CLONES
double tt_channel_sum(const float *x, long channel, long channels, long batch, long inner) {
    long quads = inner / 4 * 4;
    double total = 0;
    for (long b = 0; b < batch; b++) {
        const float *plane = x + (b * channels + channel) * inner;
        tt_double4 a = {0, 0, 0, 0};
        long i = 0;
        for (; i < quads; i += 4) {
            tt_double4 v;
            LOAD_DOUBLES4(v, plane + i);
            a += v;
        }
        for (; i < inner; i++) a[0] += (double)plane[i];
        total += (a[0] + a[1]) + (a[2] + a[3]);
    }
    return total;
}

/* Σ(x − mean)² over one channel, in the layout and order of the header. */
TT_VECTOR_CLONES
double tt_channel_squared_deviations(const float *x, long channel, long channels, long batch, long inner, double mean) {
    long quads = inner / 4 * 4;
    double total = 0;
    for (long b = 0; b < batch; b++) {
        const float *plane = x + (b * channels + channel) * inner;
        tt_double4 s = {0, 0, 0, 0};
        long i = 0;
        for (; i < quads; i += 4) {
            tt_double4 d;
            LOAD_DOUBLES4(d, plane + i);
            d -= mean;
            s += d * d;
        }
        for (; i < inner; i++) {
            double d = (double)plane[i] - mean;
            s[0] += d * d;
        }
        total += (s[0] + s[1]) + (s[2] + s[3]);
    }
    return total;
}

TT_VECTOR_CLONES
void tt_channel_gradient_sums(const float *g, const float *x, long channel, long channels, long batch, long inner,
                              double mean, double *sumG, double *sumGX) {
    long quads = inner / 4 * 4;
    double first = 0, second = 0;
    for (long b = 0; b < batch; b++) {
        long start = (b * channels + channel) * inner;
        const float *gp = g + start, *xp = x + start;
        tt_double4 a = {0, 0, 0, 0}, s = {0, 0, 0, 0};
        long i = 0;
        for (; i < quads; i += 4) {
            tt_double4 gv, xv;
            LOAD_DOUBLES4(gv, gp + i);
            LOAD_DOUBLES4(xv, xp + i);
            a += gv;
            s += gv * (xv - mean);
        }
        for (; i < inner; i++) {
            double gv = gp[i];
            a[0] += gv;
            s[0] += gv * ((double)xp[i] - mean);
        }
        first += (a[0] + a[1]) + (a[2] + a[3]);
        second += (s[0] + s[1]) + (s[2] + s[3]);
    }
    *sumG = first;
    *sumGX = second;
}

TT_VECTOR_CLONES
void tt_scale_shift(const float *restrict x, float *restrict y, long count, float scale, float shift) {
    for (long i = 0; i < count; i++) y[i] = x[i] * scale + shift;
}

TT_VECTOR_CLONES
void tt_batch_norm_input_gradient(const float *restrict g, const float *restrict x, float *restrict dx, long count,
                                  float gMean, float mean, float k, float scale) {
    for (long i = 0; i < count; i++) dx[i] = (g[i] - gMean - (x[i] - mean) * k) * scale;
}
