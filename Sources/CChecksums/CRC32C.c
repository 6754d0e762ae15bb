#include "CChecksums.h"

#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>

int tt_crc32c_hardware_available(void) { return __builtin_cpu_supports("sse4.2") ? 1 : 0; }

__attribute__((target("sse4.2")))
uint32_t tt_crc32c_hardware_update(uint32_t crc, const void *bytes, size_t count) {
    const unsigned char *p = bytes;
    uint64_t wide = crc;
    for (; count >= 8; count -= 8, p += 8) {
        uint64_t word;
        memcpy(&word, p, sizeof word);
        wide = _mm_crc32_u64(wide, word);
    }
    uint32_t narrow = (uint32_t)wide;
    for (; count > 0; count--, p++) narrow = _mm_crc32_u8(narrow, *p);
    return narrow;
}

#elif defined(__aarch64__) && defined(__ARM_FEATURE_CRC32)
/* Built for an arm64 CPU with the CRC extension (ARMv8.1 and later have it). Plain ARMv8.0
 * builds take the tables below: a runtime switch would need the compiler's per-function
 * target attributes, which differ between compilers. */
#include <arm_acle.h>

int tt_crc32c_hardware_available(void) { return 1; }

uint32_t tt_crc32c_hardware_update(uint32_t crc, const void *bytes, size_t count) {
    const unsigned char *p = bytes;
    for (; count >= 8; count -= 8, p += 8) {
        uint64_t word;
        memcpy(&word, p, sizeof word);
        crc = __crc32cd(crc, word);
    }
    for (; count > 0; count--, p++) crc = __crc32cb(crc, *p);
    return crc;
}

#else
int tt_crc32c_hardware_available(void) { return 0; }

uint32_t tt_crc32c_hardware_update(uint32_t crc, const void *bytes, size_t count) {
    (void)bytes;
    (void)count;
    return crc;
}
#endif
