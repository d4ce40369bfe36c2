/* strbuf.h - a growable, always NUL-terminated string.
 *
 * Used to build expression text and messages without fixed-size buffers.
 * On allocation failure the buffer stops growing and sets `failed`; callers
 * check it once at the end instead of after every append.
 */
#ifndef BP_STRBUF_H
#define BP_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *data; /* NUL-terminated; "" when empty, never NULL after sb_init */
    size_t len;
    size_t cap;
    bool failed; /* an allocation failed: the text is truncated */
} StrBuf;

/* An empty buffer. Owns no memory until the first append. */
void sb_init(StrBuf *sb);
/* Releases the buffer's memory and leaves it empty. */
void sb_free(StrBuf *sb);
/* Empties the buffer, keeping its memory. */
void sb_clear(StrBuf *sb);
/* Keeps the first len bytes (len <= sb->len), dropping the rest. */
void sb_truncate(StrBuf *sb, size_t len);
void sb_append(StrBuf *sb, const char *s, size_t n);
void sb_puts(StrBuf *sb, const char *s);
/* printf-style append. */
void sb_printf(StrBuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same with a va_list (consumed, as by vprintf). */
void sb_vprintf(StrBuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
