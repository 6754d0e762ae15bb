#ifndef CGZIP_SHIM_H
#define CGZIP_SHIM_H
#include <zlib.h>

/* inflateInit2 is a macro; Swift needs a function. windowBits 15 + 32 accepts gzip and zlib headers. */
static inline int tt_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}
/* deflateInit2 with a gzip header (windowBits 15 + 16) for .gz files, or a zlib header (15) as PNG wants. */
static inline int tt_deflate_init(z_stream *stream, int level, int gzip_header) {
    return deflateInit2(stream, level, Z_DEFLATED, gzip_header ? 15 + 16 : 15, 8, Z_DEFAULT_STRATEGY);
}
#endif
