/* test_lines.c - reading scripts line by line (repl/lines.c), and what that
 * means for the program: a pipe is answered line by line.
 *
 * Covers: lines split across reads, the last line without '\n', empty input
 * and empty lines, "\r\n" line ends and a byte-order mark (dropped), a
 * string split as a file is, a line longer than the buffer's first allocation, peek
 * (only whole lines already read, nothing read to find one), a failed read;
 * and, with the built program (ctest sets BACKPROP), a program that writes
 * one line into backprop's stdin and waits for the answer before writing the
 * next, as an editor plug-in or a notebook kernel would.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "repl/lines.h"

/* A file holding text[0..len), opened for reading (unlinked already). */
static int file_with(const char *text, size_t len) {
    char path[] = "/tmp/bp-lines-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
    lseek(fd, 0, SEEK_SET);
    return fd;
}

/* Reads every line of r and writes each in brackets, e.g. "[a][b]" for
 * "a\nb\n" (what a reader gets holds no line end). Frees r. */
static char *lines_of(LineReader *r) {
    size_t cap = 1 << 20, used = 0;
    char *out = malloc(cap);
    const char *text;
    size_t len;
    while (line_reader_next(r, &text, &len)) {
        ck_assert_uint_lt(used + len + 3, cap);
        out[used++] = '[';
        memcpy(out + used, text, len);
        used += len;
        out[used++] = ']';
    }
    out[used] = '\0';
    ck_assert_int_eq(r->error, 0);
    line_reader_free(r);
    return out;
}

static char *all_lines(int fd) {
    LineReader r;
    line_reader_init(&r, fd);
    return lines_of(&r);
}

static const struct {
    const char *input, *lines;
} cases[] = {
    {"", ""},
    {"\n", "[]"},
    {"a\nb\n", "[a][b]"},
    {"a\nb", "[a][b]"},
    {"\n\nx = 1\n", "[][][x = 1]"},
    {"no newline at all", "[no newline at all]"},
    /* Windows line ends: every reader of a line sees it without the '\r' */
    {"x = 1\r\n:grad\r\n", "[x = 1][:grad]"},
    {"a\r\nb\r", "[a][b]"},     /* the last line's too */
    {"a\r\r\n\r\n", "[a\r][]"}, /* one line end each, no more */
    {"a\rb\n", "[a\rb]"},       /* a lone '\r' is no line end */
    /* a byte-order mark starts a file, not its first line */
    {"\xEF\xBB\xBF"
     "a = 1\n",
     "[a = 1]"},
    {"\xEF\xBB\xBF", "[]"},
    {"\xEF\xBB\xBF\r\n:grad\r\n", "[][:grad]"},
    {"a\n\xEF\xBB\xBF"
     "b\n",
     "[a][\xEF\xBB\xBF"
     "b]"}, /* only before the first line */
};

START_TEST(test_split) {
    int fd = file_with(cases[_i].input, strlen(cases[_i].input));
    char *got = all_lines(fd);
    ck_assert_str_eq(got, cases[_i].lines);
    free(got);
    close(fd);
}
END_TEST

/* A string (an -e argument) splits into the same lines as a file. */
START_TEST(test_split_text) {
    LineReader r;
    ck_assert(line_reader_init_text(&r, cases[_i].input, strlen(cases[_i].input)));
    char *got = lines_of(&r);
    ck_assert_str_eq(got, cases[_i].lines);
    free(got);
}
END_TEST

/* A line far longer than a block, between two short ones. */
START_TEST(test_long_line) {
    size_t n = 700000;
    char *text = malloc(n + 16);
    memcpy(text, "a\n", 2);
    memset(text + 2, 'x', n);
    memcpy(text + 2 + n, "\nb\n", 3);
    int fd = file_with(text, n + 5);
    LineReader r;
    line_reader_init(&r, fd);
    const char *line;
    size_t len;
    ck_assert(line_reader_next(&r, &line, &len) && len == 1);
    ck_assert(line_reader_next(&r, &line, &len));
    ck_assert_uint_eq(len, n);
    ck_assert(line[0] == 'x' && line[n - 1] == 'x');
    ck_assert(line_reader_next(&r, &line, &len) && len == 1 && line[0] == 'b');
    ck_assert(!line_reader_next(&r, &line, &len));
    line_reader_free(&r);
    close(fd);
    free(text);
}
END_TEST

/* Peek shows the following line only when it is already read whole. */
START_TEST(test_peek) {
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    ck_assert_int_eq(write(fds[1], "one\ntwo\nthr", 11), 11);
    LineReader r;
    line_reader_init(&r, fds[0]);
    const char *line, *next;
    size_t len, next_len;
    ck_assert(line_reader_next(&r, &line, &len) && len == 3);
    ck_assert(line_reader_peek(&r, &next, &next_len));
    ck_assert_uint_eq(next_len, 3);
    ck_assert(memcmp(next, "two", 3) == 0);
    ck_assert(memcmp(line, "one", 3) == 0); /* still valid after a peek */
    ck_assert(line_reader_next(&r, &line, &len) && len == 3 && memcmp(line, "two", 3) == 0);
    ck_assert(!line_reader_peek(&r, &next, &next_len)); /* "thr" is not a line yet */
    ck_assert_int_eq(write(fds[1], "ee\n", 3), 3);
    close(fds[1]);
    ck_assert(line_reader_next(&r, &line, &len) && len == 5 && memcmp(line, "three", 5) == 0);
    ck_assert(!line_reader_next(&r, &line, &len));
    ck_assert_int_eq(r.error, 0);
    line_reader_free(&r);
    close(fds[0]);
}
END_TEST

/* A read that fails ends the lines with its errno; a half line is dropped. */
START_TEST(test_read_error) {
    int fd = open("/", O_RDONLY | O_DIRECTORY);
    ck_assert_int_ge(fd, 0);
    LineReader r;
    line_reader_init(&r, fd);
    const char *line;
    size_t len;
    ck_assert(!line_reader_next(&r, &line, &len));
    ck_assert_int_eq(r.error, EISDIR);
    line_reader_free(&r);
    close(fd);
}
END_TEST

/* Reads from fd until `expected` has arrived. No time limit: an answer that
 * never comes is a hang, which ctest's timeout reports, and a slow machine
 * only takes longer to pass. */
static void expect_answer(int fd, const char *expected) {
    char got[256];
    size_t used = 0, want = strlen(expected);
    while (used < want) {
        ssize_t n = read(fd, got + used, sizeof got - 1 - used);
        ck_assert_msg(n > 0, "the answer ended early (got \"%.*s\")", (int)used, got);
        used += (size_t)n;
    }
    got[used] = '\0';
    ck_assert_str_eq(got, expected);
}

/* backprop reading a pipe answers each line before the next one exists. */
START_TEST(test_answers_line_by_line) {
    const char *backprop = getenv("BACKPROP");
    ck_assert_msg(backprop != NULL, "ctest sets BACKPROP to the program's path");
    int in[2], out[2];
    ck_assert(pipe(in) == 0 && pipe(out) == 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        close(in[1]);
        close(out[0]);
        execl(backprop, backprop, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    ck_assert_int_eq(write(in[1], "apple = 100\n", 12), 12);
    expect_answer(out[0], "apple = 100\n");
    ck_assert_int_eq(write(in[1], "price = apple * 1.1\n", 20), 20);
    expect_answer(out[0], "price = 110\n");
    ck_assert_int_eq(write(in[1], ":grad\n", 6), 6);
    expect_answer(out[0], "∂price/∂apple = 1.1\n");
    close(in[1]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(out[0]);
}
END_TEST

static Suite *lines_suite(void) {
    Suite *s = suite_create("lines");
    TCase *tc = tcase_create("reader");
    tcase_add_loop_test(tc, test_split, 0, sizeof cases / sizeof cases[0]);
    tcase_add_loop_test(tc, test_split_text, 0, sizeof cases / sizeof cases[0]);
    tcase_add_test(tc, test_long_line);
    tcase_add_test(tc, test_peek);
    tcase_add_test(tc, test_read_error);
    suite_add_tcase(s, tc);
    tc = tcase_create("program");
    tcase_add_test(tc, test_answers_line_by_line);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(lines_suite)
