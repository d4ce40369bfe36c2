/* lines.h - reading a script line by line, in large blocks. In C:
 *
 *     LineReader r;
 *     line_reader_init(&r, STDIN_FILENO);        // the fd is not owned
 *     const char *text;
 *     size_t len;
 *     while (line_reader_next(&r, &text, &len))  // text without its line end
 *         fwrite(text, 1, len, stdout);
 *     if (r.error)                               // an errno value, e.g. EINTR after Ctrl-C
 *         fprintf(stderr, "%s\n", strerror(r.error));
 *     line_reader_free(&r);
 *
 * This is the one place where source is split into lines, so every reader
 * of a line (the lexer, the commands, the caret under an error) sees the
 * same thing: a line ends at '\n' or "\r\n" (a file written on Windows),
 * and neither is part of it; a UTF-8 byte-order mark before the first line
 * is dropped, as editors do.
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
    bool started; /* a line was returned (so a byte-order mark is no longer first) */
    int error;    /* errno of a failed read, or 0 */
    /* Called before a read that may block: true once fd can be read, false
     * with errno set to give up (a Waiter's until_readable). NULL: none. */
    bool (*wait)(void *ctx, int fd);
    void *wait_ctx;
} LineReader;

/* A reader of fd; allocates nothing until the first line. */
void line_reader_init(LineReader *r, int fd);
/* A reader of text[0..len), which is copied (a script given as one string,
 * such as an -e argument). False, with r->error = ENOMEM, if memory ran out. */
bool line_reader_init_text(LineReader *r, const char *text, size_t len);
/* Frees the buffer; fd stays open. */
void line_reader_free(LineReader *r);

/* The next line in *text, *len (without its '\n' or "\r\n"), valid until
 * the next call. False at the end of input, or when a read failed
 * (r->error) or memory ran out (r->error = ENOMEM); a line cut short by such
 * a failure is not returned. The last line of the input need not end with
 * '\n' (a '\r' ending it is dropped all the same). */
bool line_reader_next(LineReader *r, const char **text, size_t *len);

/* The line after the one last returned, if it has already been read whole
 * (nothing is read to find it). Valid until the next line_reader_next. */
bool line_reader_peek(const LineReader *r, const char **text, size_t *len);

#endif
