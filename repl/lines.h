/* lines.h - reading a script line by line, in large blocks. In C:
 *
 *     LineReader r;
 *     line_reader_init(&r, STDIN_FILENO);        // the fd is not owned
 *     const char *text;
 *     size_t len;
 *     while (line_reader_next(&r, &text, &len))  // text ends with its '\n', if it had one
 *         fwrite(text, 1, len, stdout);
 *     if (r.error)                               // an errno value, e.g. EINTR after Ctrl-C
 *         fprintf(stderr, "%s\n", strerror(r.error));
 *     line_reader_free(&r);
 *
 * Blocks come from read(2), which returns whatever a pipe holds, so a
 * program feeding backprop a line at a time gets each answer before it
 * sends the next. A line may be of any length (the buffer grows).
 */
#ifndef BP_LINES_H
#define BP_LINES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    int fd;
    char *buf;         /* owned */
    size_t cap;        /* bytes allocated */
    size_t start, end; /* unread bytes are buf[start..end) */
    size_t scanned;    /* buf[start..scanned) holds no '\n' */
    bool eof;
    int error; /* errno of a failed read, or 0 */
} LineReader;

/* A reader of fd; allocates nothing until the first line. */
void line_reader_init(LineReader *r, int fd);
/* Frees the buffer; fd stays open. */
void line_reader_free(LineReader *r);

/* The next line in *text, *len, valid until the next call. False at the end
 * of input, or when a read failed (r->error) or memory ran out (r->error =
 * ENOMEM); a line cut short by such a failure is not returned. The last
 * line of the input need not end with '\n'. */
bool line_reader_next(LineReader *r, const char **text, size_t *len);

/* The line after the one last returned, if it has already been read whole
 * (nothing is read to find it). Valid until the next line_reader_next. */
bool line_reader_peek(const LineReader *r, const char **text, size_t *len);

#endif
