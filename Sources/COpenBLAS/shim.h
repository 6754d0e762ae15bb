#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H
/* OpenBLAS's CBLAS interface (pkg-config openblas pins the pthread build's header). */
#include <cblas.h>

/* LAPACK's single-precision QR routines, used by nn.init.orthogonal_. */
void sgeqrf_(const int *m, const int *n, float *a, const int *lda, float *tau,
             float *work, const int *lwork, int *info);
void sorgqr_(const int *m, const int *n, const int *k, float *a, const int *lda,
             const float *tau, float *work, const int *lwork, int *info);
#endif
