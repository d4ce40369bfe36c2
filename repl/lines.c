/* lines.c - reading a script line by line, in large blocks. */
#include "lines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { BLOCK = 1 << 16 }; /* a read asks for at least this much */

void line_reader_init(LineReader *r, int fd) {
    *r = (LineReader){.fd = fd};
}

bool line_reader_init_text(LineReader *r, const char *text, size_t len) {
    *r = (LineReader){.fd = -1, .eof = true}; /* all there is: nothing to read */
    r->buf = malloc(len + 1);
    if (!r->buf) {
        r->error = ENOMEM;
        return false;
    }
    memcpy(r->buf, text, len);
    r->cap = len + 1;
    r->end = len;
    return true;
}

void line_reader_free(LineReader *r) {
    free(r->buf);
    r->buf = NULL;
    r->cap = r->start = r->end = r->scanned = 0;
}

/* Makes room for at least BLOCK more bytes after end: first by moving the
 * unread bytes to the front, else by growing. */
static bool make_room(LineReader *r) {
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->scanned -= r->start;
        r->start = 0;
    }
    if (r->cap - r->end >= BLOCK) return true;
    size_t cap = r->cap ? r->cap * 2 : 4 * BLOCK;
    char *buf = realloc(r->buf, cap);
    if (!buf) return false;
    r->buf = buf;
    r->cap = cap;
    return true;
}

/* The line buf[start..stop) (stop at its '\n' or the end of input) as
 * readers get it: without a '\r' before the '\n', nor a byte-order mark
 * starting the input. */
static void take_line(LineReader *r, size_t stop, const char **text, size_t *len) {
    const char *p = r->buf + r->start, *end = r->buf + stop;
    if (!r->started && end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
    if (end > p && end[-1] == '\r') end--;
    r->started = true;
    *text = p;
    *len = (size_t)(end - p);
}

bool line_reader_next(LineReader *r, const char **text, size_t *len) {
    for (;;) {
        char *newline =
            r->end > r->scanned ? memchr(r->buf + r->scanned, '\n', r->end - r->scanned) : NULL;
        if (newline) {
            take_line(r, (size_t)(newline - r->buf), text, len);
            r->start = r->scanned = (size_t)(newline + 1 - r->buf);
            return true;
        }
        r->scanned = r->end;
        if (r->error) return false; /* a line cut short by a failed read is not run */
        if (r->eof) {
            if (r->start == r->end) return false;
            take_line(r, r->end, text, len); /* the last line, without '\n' */
            r->start = r->scanned = r->end;
            return true;
        }
        if (!make_room(r)) {
            r->error = ENOMEM;
            return false;
        }
        if (r->wait && !r->wait(r->wait_ctx, r->fd)) {
            r->error = errno ? errno : EINTR;
            return false;
        }
        ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (n > 0)
            r->end += (size_t)n;
        else if (n == 0)
            r->eof = true;
        else
            r->error = errno;
    }
}

bool line_reader_peek(const LineReader *r, const char **text, size_t *len) {
    if (r->start >= r->end) return false;
    const char *newline = memchr(r->buf + r->start, '\n', r->end - r->start);
    if (!newline) return false;
    *text = r->buf + r->start;
    *len = (size_t)(newline - *text);
    return true;
}
