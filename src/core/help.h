/* Cold texts, stored compressed: the commands' help texts (each `help[]`
 * is marked CLI_HELP_TEXT) and the formats of messages (core/msg.h, which
 * marks them COLD_TEXT) are gathered in one section; the build links once,
 * compresses that section (toolchain/helpz.c) into a blob,
 * and links again with the section as zero-filled memory (NOBITS) that
 * help_unpack fills before any help or message is printed: 54 KiB of
 * text take 18 KiB of the file (LZ77 then Huffman; LZ77 alone took 20
 * KiB for 46 KiB of text). Builds without the blob (the unit tests, the fuzzers)
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
/* The blob is the texts in two stages (core/help_codec.c undoes them).
 * LZ77: a byte t < 0x80 is followed by t + 1 literal bytes; t >= 0x80
 * copies (t & 0x7f) + 4 bytes from a distance given by the next two bytes
 * (little-endian, 1 to 65535) back in the output. help_lz_unpack returns
 * the bytes written, or -1 where the input is cut short or points outside
 * out[0..cap). */
long help_lz_unpack(const uint8_t *in, size_t n, char *out, size_t cap);
/* Then Huffman: those bytes in four classes (tokens, literals, a
 * distance's low and high byte), each with a canonical code of its own:
 * the LZ stream's length (u32, little-endian), four tables of 256 code
 * lengths as nibbles (128 bytes each, low nibble first, 0: unused), and
 * the codes, most significant bit first. The LZ bytes, or -1. */
enum { HELP_HUFF_TOKEN, HELP_HUFF_LITERAL, HELP_HUFF_DIST_LO, HELP_HUFF_DIST_HI, HELP_HUFF_TABLES };
long help_huff_unpack(const uint8_t *in, size_t n, uint8_t *out, size_t cap);
/* Both stages: the texts' bytes written to out, or -1. */
long help_unpack_blob(const uint8_t *in, size_t n, char *out, size_t cap);
#endif
