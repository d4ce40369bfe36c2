/* utf8.h - text from outside: decoding UTF-8, and showing it safely.
 *
 * Whatever backprop echoes of its input (a source line under an error, a
 * token or file name quoted in a message, a JSON string) may come from a
 * binary or hostile file. utf8_escape writes such text so that nothing in it
 * can act on a terminal or break a JSON line:
 *
 *     StrBuf sb;
 *     sb_init(&sb);
 *     utf8_escape(&sb, "a\x1b[2J\xff", 6, UTF8_TEXT);   // a\x1b[2J\xff
 *     utf8_escape(&sb, "a\x1b[2J\xff", 6, UTF8_JSON);   // a\u001b[2J\uFFFD (as UTF-8)
 *
 * Escaped are the controls (C0 but tab, DEL, C1) and the bidirectional
 * formatting characters that reorder what a terminal shows (U+061C,
 * U+200E/F, U+202A-E, U+2066-9); bytes that are not UTF-8 (stray or
 * truncated sequences, overlong forms, surrogates, past U+10FFFF) are
 * replaced. Everything else, tab and any script's letters, passes as is.
 */
#ifndef BP_UTF8_H
#define BP_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* How escaped text is written. */
typedef enum {
    /* For a terminal: \x1b for a control byte, \u202e for a control code
     * point beyond ASCII, \xff for each byte that is not UTF-8 (the exact
     * byte, to find it in the file). Backslashes pass as they are: this is
     * for people to read, not to parse back. */
    UTF8_TEXT,
    /* The inside of a JSON string: \n, \t, \" and \\, \u001b for other
     * controls (so the string decodes to the text itself), U+FFFD for each
     * byte that is not UTF-8 (JSON has no way to carry it). */
    UTF8_JSON,
} Utf8Style;

/* Decodes the UTF-8 sequence at p (p < end): returns its length in bytes
 * (1-4) and stores the code point in *cp, or returns 0 if the bytes at p
 * are not valid UTF-8 (truncated, overlong, a surrogate, past U+10FFFF). */
int utf8_decode(const char *p, const char *end, uint32_t *cp);

/* Is code point c shown escaped (a control or a bidirectional control)? */
bool utf8_is_control(uint32_t c);

/* Is s[0..len) valid UTF-8 without a control (tab included)? Such text
 * prints the same escaped or not: names are held to it. */
bool utf8_is_printable(const char *s, size_t len);

/* The byte length of the longest valid UTF-8 prefix of s[0..len). */
size_t utf8_valid_length(const char *s, size_t len);

/* Appends s[0..len) to sb, escaped in the given style. On allocation
 * failure sb->failed is set (see strbuf.h). */
void utf8_escape(StrBuf *sb, const char *s, size_t len, Utf8Style style);

#endif
