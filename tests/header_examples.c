/* header_examples.c - turns a header's worked examples into C that the build
 * compiles, so an example cannot drift from the declarations it shows.
 *
 *     header_examples graph/graph.h out.c     (run from the project root)
 *
 * writes out.c: the header included first (so it must stand on its own),
 * then each example as the body of a function of its own. An example is
 * the run of lines indented by five spaces (` *     code`) that follows a
 * comment line ending in "in C:" or "In C:", after at most one blank
 * comment line:
 *
 *      * Worked example, in C:
 *      *
 *      *     Graph g;
 *      *     graph_init_empty(&g);
 *
 * #line directives point compiler messages at the header's own lines. Exits
 * 1 with a message when the header cannot be read or a marker has no
 * example under it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LINE_MAX_BYTES = 4096 };

static const char code_prefix[] = " *     ";

static bool ends_with(const char *s, const char *tail) {
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}

static bool is_blank_comment(const char *s) {
    return strcmp(s, " *") == 0;
}

/* Reads the next line of f into buf without its newline; false at the end. */
static bool next_line(FILE *f, char *buf, int *number) {
    if (!fgets(buf, LINE_MAX_BYTES, f)) return false;
    buf[strcspn(buf, "\n")] = '\0';
    (*number)++;
    return true;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: header_examples HEADER OUT.c\n");
        return 1;
    }
    const char *header = argv[1];
    FILE *in = fopen(header, "r");
    FILE *out = in ? fopen(argv[2], "w") : NULL;
    if (!in || !out) {
        perror(in ? argv[2] : header);
        return 1;
    }
    /* Examples declare what they show and may not use all of it. */
    fprintf(out,
            "/* Generated from %s by tests/header_examples.c: do not edit. */\n"
            "#include \"%s\"\n\n"
            "#pragma GCC diagnostic ignored \"-Wunused-variable\"\n"
            "#pragma GCC diagnostic ignored \"-Wunused-but-set-variable\"\n"
            "#include <assert.h>\n#include <fcntl.h>\n#include <math.h>\n"
            "#include <stdio.h>\n#include <string.h>\n#include <unistd.h>\n",
            header, header);
    char line[LINE_MAX_BYTES];
    int number = 0, examples = 0, status = 0;
    bool have = next_line(in, line, &number);
    while (have) {
        if (!ends_with(line, " in C:") && !ends_with(line, " In C:")) {
            have = next_line(in, line, &number);
            continue;
        }
        int at = number;
        have = next_line(in, line, &number);
        if (have && is_blank_comment(line)) have = next_line(in, line, &number);
        if (!have || strncmp(line, code_prefix, strlen(code_prefix)) != 0) {
            fprintf(stderr, "%s:%d: a worked example in C must follow, indented 5\n", header, at);
            status = 1;
            continue;
        }
        examples++;
        fprintf(out, "\nvoid header_example_%d(void);\nvoid header_example_%d(void) {\n", examples,
                examples);
        fprintf(out, "#line %d \"%s\"\n", number, header);
        for (; have && strncmp(line, code_prefix, strlen(code_prefix)) == 0;
             have = next_line(in, line, &number))
            fprintf(out, "%s\n", line + strlen(code_prefix));
        fprintf(out, "}\n");
    }
    fclose(in);
    if (fclose(out) != 0) {
        perror(argv[2]);
        status = 1;
    }
    return status;
}
