/* Cold texts, stored compressed: the commands' help texts (each `help[]`
 * is marked CLI_HELP_TEXT) and the formats of messages (core/msg.h, which
 * marks them COLD_TEXT) are gathered in one section; the build links once,
 * compresses that section (toolchain/helpz.c, a small LZ77) into a blob,
 * and links again with the section as zero-filled memory (NOBITS) that
 * help_unpack fills before any help or message is printed. 25 KiB of
 * help take 11 KiB of the file. Builds without the blob (the unit tests, the fuzzers)
 * keep the texts as they are. */
#ifndef SCHEDTAP_CORE_HELP_H
#define SCHEDTAP_CORE_HELP_H

#include <stddef.h>
#include <stdint.h>

#define COLD_TEXT __attribute__((section("schedtap_help"), aligned(1)))
#define CLI_HELP_TEXT COLD_TEXT

/* Fill the section from the blob, once (threads that ask meanwhile wait
 * for it); a no-op without a blob. */
void help_unpack(void);
/* The blob's format: a byte t < 0x80 is followed by t + 1 literal bytes;
 * t >= 0x80 copies (t & 0x7f) + 4 bytes from a distance given by the next
 * two bytes (little-endian, 1 to 65535) back in the output. Returns the
 * bytes written, or -1 where the input is cut short or points outside
 * out[0..cap). */
long help_lz_unpack(const uint8_t *in, size_t n, char *out, size_t cap);
#endif
