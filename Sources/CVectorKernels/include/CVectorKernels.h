#ifndef CVECTORKERNELS_H
#define CVECTORKERNELS_H
/* Hot loops of the convolutional step in C, so that on x86-64 each is built twice (plain
 * x86-64 and AVX2) and the CPU's best one is picked once at load time (GCC/Clang
 * `target_clones`, resolved by the dynamic loader). Swift code is built for plain x86-64 only,
 * which leaves AVX2's 8-float vectors unused.
 *
 * Every function gives the same bits in every build: copies and max/select are exact, sums
 * add each element's terms in the same order whatever the vector width, and no multiply-add is
 * fused (contraction is off in the .c file). */

/* Lowers a zero-padded image group for a stride-1-along-the-width convolution (im2col by rows):
 * for every channel c < channels and kernel tap (i, j), row (c, i, j) of `columns` is the
 * concatenation over oh < outH of the outW floats at padded + c·pH·pW + i·dilH·pW + j·dilW +
 * oh·strideH·pW. Rows are `outH·outW` floats apart. Copies move 8 floats at a time and may
 * read up to 7 floats past a source row and write up to 7 past the last row (callers leave
 * that slack; rows are written in increasing order, so the next one overwrites a spill). */
void tt_lower_rows(const float *padded, float *columns, long channels, long kernelH, long kernelW,
                   long dilationH, long dilationW, long paddedH, long paddedW, long outH, long outW,
                   long strideH);

/* The transpose of `tt_lower_rows`: adds every row of `columns` onto the zero-filled `padded`
 * (the same layout), tap by tap in the order `tt_lower_rows` writes them. Touches nothing
 * outside the rows it adds to. */
void tt_raise_rows(const float *columns, float *padded, long channels, long kernelH, long kernelW,
                   long dilationH, long dilationW, long paddedH, long paddedW, long outH, long outW,
                   long strideH);

/* The same sums as `tt_raise_rows` followed by cutting the image out of the padded gradient,
 * for images at most 16 wide and kernels at most 16 wide (kernelW <= 16), without the padded
 * copy: every element of the `channels · height · width` image group is written, each the sum
 * of its lowered terms in tap order (i, then j) starting from +0, kept in registers, so the
 * bits are those of `tt_raise_rows`. Reads 8-float runs of `columns` that may start up to
 * (kernelW − 1)·dilationW − padLeft floats before it and end up to padLeft + 16 − outW floats
 * past its last row (callers leave that slack; lanes outside a row are masked to +0). */
void tt_raise_narrow(const float *columns, float *image, long channels, long kernelH, long kernelW,
                     long dilationH, long dilationW, long outH, long outW, long strideH,
                     long height, long width, long padTop, long padLeft);

/* Max pooling's input gradient for 2×2 windows with stride 2 tiling `planes` consecutive
 * (2·outH)×(2·outW) planes exactly: every element of `gradIn` is written, the window's gradient
 * + 0 where the window's argmax (an index within its plane, as the forward pass stores it)
 * points and +0 elsewhere — the bits of adding the gradients onto zeros. */
void tt_max_pool_2x2_backward(const float *gradOut, const long long *argmaxes, float *gradIn, long planes, long outH, long outW);

/* y[i] = x[i] > 0 ? x[i] : 0 for i < count (NaN gives 0). */
void tt_relu(const float *x, float *y, long count);

/* dx[i] = y[i] > 0 ? g[i] : 0 for i < count: ReLU's gradient from its output. */
void tt_relu_backward(const float *g, const float *y, float *dx, long count);

/* Batch norm's per-channel sums over an (N, C, inner) float layout, in double: for every plane
 * (image b, channel `channel`) four interleaved partial sums (element i of the plane goes to
 * lane i mod 4; a tail of fewer than four to lane 0, one by one), added as (l0 + l1) + (l2 + l3),
 * then the planes in order. Σx; Σ(x − mean)²; and Σg with Σg·(x − mean). */
double tt_channel_sum(const float *x, long channel, long channels, long batch, long inner);
double tt_channel_squared_deviations(const float *x, long channel, long channels, long batch, long inner, double mean);
void tt_channel_gradient_sums(const float *g, const float *x, long channel, long channels, long batch, long inner,
                              double mean, double *sumG, double *sumGX);

/* y[i] = x[i]·scale + shift for i < count. */
void tt_scale_shift(const float *x, float *y, long count, float scale, float shift);

/* dx[i] = (g[i] − gMean − (x[i] − mean)·k)·scale for i < count: batch norm's input gradient. */
void tt_batch_norm_input_gradient(const float *g, const float *x, float *dx, long count,
                                  float gMean, float mean, float k, float scale);

/* Whether `tt_broadcast_gemm` runs its AVX-512 kernel here (x86-64 whose CPU and OS have AVX-512). */
int tt_broadcast_gemm_available(void);

/* c (m×n, rows ldc apart) = A·B (+ c when `accumulate`), where A is m×k with element (i, p) at
 * a[i·aRow + p·aColumn] (any layout: row-major, transposed) and B is row-major k×n (rows ldb
 * apart); with `rowStarts` (m floats, e.g. a bias) each sum of row i starts from rowStarts[i]. For a convolution's small products, whose operands sit in the caches: nothing is
 * packed, B is read along its rows in 16-float vectors, each element of A broadcast, every sum
 * in k order with fused multiply-adds. The one exception to the same-bits rule above: it is
 * for the non-deterministic mode only (where BLAS would run), and is fast only where
 * `tt_broadcast_gemm_available()` (elsewhere a plain loop computes the same product). */
void tt_broadcast_gemm(long m, long n, long k, const float *a, long aRow, long aColumn,
                       const float *b, long ldb, float *c, long ldc, int accumulate, const float *rowStarts);

/* target (columns × rows, row-major) = the transpose of source (rows × columns, row-major). */
void tt_transpose(const float *source, float *target, long rows, long columns);

#endif
