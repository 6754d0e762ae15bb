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
typedef int tt_int8 __attribute__((vector_size(32)));
typedef int tt_int4 __attribute__((vector_size(16)));
typedef long long tt_long4 __attribute__((vector_size(32)));

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
                if (outW <= 8) {
                    for (long oh = 0; oh < outH; oh++) copy_by_eights(tap + oh * strideH * paddedW, row + oh * outW, 8);
                } else if (outW <= 16) {
                    /* Narrow rows (14 wide in the cnn preset): two copies without a loop run 1.6x faster. */
                    for (long oh = 0; oh < outH; oh++) copy_by_eights(tap + oh * strideH * paddedW, row + oh * outW, 16);
                } else {
                    for (long oh = 0; oh < outH; oh++) copy_by_eights(tap + oh * strideH * paddedW, row + oh * outW, outW);
                }
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

/* Adds lanes of one lowered row onto `sum`: the 8 floats at `source`, each kept where `mask` is set. */
#define ADD_MASKED(sum, source, mask) do { tt_float8 loaded_; memcpy(&loaded_, (source), sizeof loaded_); \
                                          (sum) += (tt_float8)((tt_int8)loaded_ & (mask)); } while (0)

/* Stores 8 lanes at `target`, or only `room` of them when fewer floats are left. */
#define STORE_LANES(target, lanes, room) do { tt_float8 lanes_ = (lanes); \
                                              memcpy((target), &lanes_, (room) >= 8 ? 32 : (size_t)(room) * 4); } while (0)

TT_VECTOR_CLONES
void tt_raise_narrow(const float *columns, float *image, long channels, long kernelH, long kernelW,
                     long dilationH, long dilationW, long outH, long outW, long strideH,
                     long height, long width, long padTop, long padLeft) {
    const long positions = outH * outW;
    const tt_int8 lanes = {0, 1, 2, 3, 4, 5, 6, 7};
    /* Which lanes of image columns 0-7 and 8-15 kernel column j reaches: 0 <= ow < outW. */
    tt_int8 low[16], high[16];
    for (long j = 0; j < kernelW; j++) {
        tt_int8 first = lanes + (int)(padLeft - j * dilationW), second = first + 8;
        low[j] = (first >= 0) & (first < (int)outW);
        high[j] = (second >= 0) & (second < (int)outW);
    }
    float *const end = image + channels * height * width;
    for (long c = 0; c < channels; c++) {
        const float *channelTaps = columns + c * kernelH * kernelW * positions;
        for (long ih = 0; ih < height; ih += 2) {
            /* Two image rows at once, two 8-lane halves each: four independent sums. */
            tt_float8 upperLow = {0, 0, 0, 0, 0, 0, 0, 0}, upperHigh = upperLow, lowerLow = upperLow, lowerHigh = upperLow;
            const int hasLower = ih + 1 < height;
            for (long i = 0; i < kernelH; i++) {
                long upperRow = ih + padTop - i * dilationH, lowerRow = upperRow + 1;
                int upper = upperRow >= 0, lower = hasLower && lowerRow >= 0;
                if (strideH != 1) {
                    upper = upper && upperRow % strideH == 0;
                    lower = lower && lowerRow % strideH == 0;
                    upperRow /= strideH;
                    lowerRow /= strideH;
                }
                upper = upper && upperRow < outH;
                lower = lower && lowerRow < outH;
                const float *taps = channelTaps + i * kernelW * positions;
                for (long j = 0; j < kernelW; j++) {
                    const float *tap = taps + j * positions + padLeft - j * dilationW;
                    if (upper) {
                        ADD_MASKED(upperLow, tap + upperRow * outW, low[j]);
                        ADD_MASKED(upperHigh, tap + upperRow * outW + 8, high[j]);
                    }
                    if (lower) {
                        ADD_MASKED(lowerLow, tap + lowerRow * outW, low[j]);
                        ADD_MASKED(lowerHigh, tap + lowerRow * outW + 8, high[j]);
                    }
                }
            }
            /* In increasing address order: lanes past a row's end spill onto rows written later. */
            float *target = image + (c * height + ih) * width;
            STORE_LANES(target, upperLow, end - target);
            if (width > 8) STORE_LANES(target + 8, upperHigh, end - target - 8);
            if (hasLower) {
                target += width;
                STORE_LANES(target, lowerLow, end - target);
                if (width > 8) STORE_LANES(target + 8, lowerHigh, end - target - 8);
            }
        }
    }
}

TT_VECTOR_CLONES
void tt_max_pool_2x2_backward(const float *gradOut, const long long *argmaxes, float *gradIn, long planes, long outH, long outW) {
    const long inW = 2 * outW;
    for (long row = 0, oh = 0; row < planes * outH; row++, oh = oh + 1 == outH ? 0 : oh + 1) {
        /* Row `row` of the output planes is row oh of its plane; input rows follow the same order. */
        float *top = gradIn + 2 * row * inW, *bottom = top + inW;
        const float *g = gradOut + row * outW;
        const long long *at = argmaxes + row * outW;
        const long long first = 2 * oh * inW;
        long ow = 0;
        for (; ow + 4 <= outW; ow += 4) {
            /* Four windows: each gradient goes to the lane of its window's argmax, zeros elsewhere. */
            tt_float4 gv;
            memcpy(&gv, g + ow, sizeof gv);
            tt_float8 pairs = __builtin_shufflevector(gv, gv, 0, 0, 1, 1, 2, 2, 3, 3);
            tt_long4 indices;
            memcpy(&indices, at + ow, sizeof indices);
            const tt_long4 corners = {first + 2 * ow, first + 2 * ow + 2, first + 2 * ow + 4, first + 2 * ow + 6};
            const tt_int4 offset = __builtin_convertvector(indices - corners, tt_int4);
            const tt_int8 offsets = __builtin_shufflevector(offset, offset, 0, 0, 1, 1, 2, 2, 3, 3);
            const tt_int8 upperLanes = {0, 1, 0, 1, 0, 1, 0, 1};
            const tt_int8 lowerLanes = upperLanes + (int)inW;
            tt_float8 upper = (tt_float8)((tt_int8)pairs & (offsets == upperLanes)) + 0.0f;
            tt_float8 lower = (tt_float8)((tt_int8)pairs & (offsets == lowerLanes)) + 0.0f;
            memcpy(top + 2 * ow, &upper, sizeof upper);
            memcpy(bottom + 2 * ow, &lower, sizeof lower);
        }
        for (; ow < outW; ow++) {
            const long long offset = at[ow] - first - 2 * ow;
            const float value = g[ow];
            top[2 * ow] = offset == 0 ? value + 0.0f : 0.0f;
            top[2 * ow + 1] = offset == 1 ? value + 0.0f : 0.0f;
            bottom[2 * ow] = offset == inW ? value + 0.0f : 0.0f;
            bottom[2 * ow + 1] = offset == inW + 1 ? value + 0.0f : 0.0f;
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

/* The four lanes of a partial sum added as (l0 + l1) + (l2 + l3). */
#define LANE_TOTAL(a) (((a)[0] + (a)[1]) + ((a)[2] + (a)[3]))

/* Planes are summed up to four at a time, each into its own lanes, and the plane totals added
 * in plane order: the same bits as one plane after another, but four independent chains of
 * additions instead of one (a chain waits for each addition's latency). */
#define PLANES_AT_ONCE 4

/* Σx over one channel, in the layout and order of the header. */
TT_VECTOR_CLONES
double tt_channel_sum(const float *x, long channel, long channels, long batch, long inner) {
    const long quads = inner / 4 * 4, planeStride = channels * inner;
    double total = 0;
    for (long b = 0; b < batch; b += PLANES_AT_ONCE) {
        const long planes = batch - b < PLANES_AT_ONCE ? batch - b : PLANES_AT_ONCE;
        const float *plane = x + (b * channels + channel) * inner;
        tt_double4 a[PLANES_AT_ONCE] = {{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}};
        long i = 0;
        for (; i < quads; i += 4) {
            for (int k = 0; k < planes; k++) {
                tt_double4 v;
                LOAD_DOUBLES4(v, plane + k * planeStride + i);
                a[k] += v;
            }
        }
        for (int k = 0; k < planes; k++) {
            for (long t = i; t < inner; t++) a[k][0] += (double)plane[k * planeStride + t];
            total += LANE_TOTAL(a[k]);
        }
    }
    return total;
}

/* Σ(x − mean)² over one channel, in the layout and order of the header. */
TT_VECTOR_CLONES
double tt_channel_squared_deviations(const float *x, long channel, long channels, long batch, long inner, double mean) {
    const long quads = inner / 4 * 4, planeStride = channels * inner;
    double total = 0;
    for (long b = 0; b < batch; b += PLANES_AT_ONCE) {
        const long planes = batch - b < PLANES_AT_ONCE ? batch - b : PLANES_AT_ONCE;
        const float *plane = x + (b * channels + channel) * inner;
        tt_double4 s[PLANES_AT_ONCE] = {{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}};
        long i = 0;
        for (; i < quads; i += 4) {
            for (int k = 0; k < planes; k++) {
                tt_double4 d;
                LOAD_DOUBLES4(d, plane + k * planeStride + i);
                d -= mean;
                s[k] += d * d;
            }
        }
        for (int k = 0; k < planes; k++) {
            for (long t = i; t < inner; t++) {
                double d = (double)plane[k * planeStride + t] - mean;
                s[k][0] += d * d;
            }
            total += LANE_TOTAL(s[k]);
        }
    }
    return total;
}

TT_VECTOR_CLONES
void tt_channel_gradient_sums(const float *g, const float *x, long channel, long channels, long batch, long inner,
                              double mean, double *sumG, double *sumGX) {
    const long quads = inner / 4 * 4, planeStride = channels * inner;
    double first = 0, second = 0;
    for (long b = 0; b < batch; b += PLANES_AT_ONCE) {
        const long planes = batch - b < PLANES_AT_ONCE ? batch - b : PLANES_AT_ONCE;
        const long start = (b * channels + channel) * inner;
        const float *gp = g + start, *xp = x + start;
        tt_double4 a[PLANES_AT_ONCE] = {{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}};
        tt_double4 s[PLANES_AT_ONCE] = {{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}};
        long i = 0;
        for (; i < quads; i += 4) {
            for (int k = 0; k < planes; k++) {
                tt_double4 gv, xv;
                LOAD_DOUBLES4(gv, gp + k * planeStride + i);
                LOAD_DOUBLES4(xv, xp + k * planeStride + i);
                a[k] += gv;
                s[k] += gv * (xv - mean);
            }
        }
        for (int k = 0; k < planes; k++) {
            for (long t = i; t < inner; t++) {
                double gv = gp[k * planeStride + t];
                a[k][0] += gv;
                s[k][0] += gv * ((double)xp[k * planeStride + t] - mean);
            }
            first += LANE_TOTAL(a[k]);
            second += LANE_TOTAL(s[k]);
        }
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
