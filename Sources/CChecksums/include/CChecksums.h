#ifndef CCHECKSUMS_H
#define CCHECKSUMS_H
#include <stddef.h>
#include <stdint.h>

/* CRC-32C (Castagnoli) with the CPU's own instruction: SSE 4.2's crc32 on x86-64 (checked at
 * run time), the CRC extension's crc32c on arm64 builds that target it. Swift keeps a
 * table-driven version for the rest. */

/* 1 when this CPU has the instruction (checked once per call; cheap). */
int tt_crc32c_hardware_available(void);

/* Updates the CRC register `crc` (not inverted: callers start from 0xFFFFFFFF and invert at
 * the end) with `count` bytes. Only call when tt_crc32c_hardware_available() is 1. */
uint32_t tt_crc32c_hardware_update(uint32_t crc, const void *bytes, size_t count);

#endif
