#ifndef CPNG_SHIM_H
#define CPNG_SHIM_H
#include <png.h>
#include <string.h>

/* libpng's simplified API (png_image), whose macros Swift cannot import. It reports errors
   through image->message instead of longjmp, which is safe to call from Swift. */
static const unsigned int TT_PNG_IMAGE_VERSION = PNG_IMAGE_VERSION;
static const unsigned int TT_PNG_FORMAT_GRAY = PNG_FORMAT_GRAY;
static const unsigned int TT_PNG_FORMAT_GA = PNG_FORMAT_GA;
static const unsigned int TT_PNG_FORMAT_RGB = PNG_FORMAT_RGB;
static const unsigned int TT_PNG_FORMAT_RGBA = PNG_FORMAT_RGBA;
static const unsigned int TT_PNG_FORMAT_FLAG_ALPHA = PNG_FORMAT_FLAG_ALPHA;
static const unsigned int TT_PNG_FORMAT_FLAG_COLOR = PNG_FORMAT_FLAG_COLOR;

/* A zeroed png_image with the version set, as the API requires. */
static inline png_image tt_png_image(void) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    return image;
}
#endif
