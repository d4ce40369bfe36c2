/* gen_chain.c - writes the chain benchmark script (see chain.h) for backprop.
 *
 *     gen_chain [STATEMENTS] > chain.bp      (default: 1000000 statements)
 *
 * The script defines x0 .. x<STATEMENTS-1>, one statement per line, and ends
 * with :grad, so running it measures parsing, defining and printing every
 * statement and one backward pass through the whole chain.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "chain.h"

int main(int argc, char **argv) {
    long statements = 1000000;
    if (argc > 2) {
        fprintf(stderr, "usage: gen_chain [STATEMENTS] > chain.bp\n");
        return 2;
    }
    if (argc == 2) {
        char *end;
        errno = 0;
        statements = strtol(argv[1], &end, 10);
        if (errno || *end || statements < 1) {
            fprintf(stderr, "gen_chain: STATEMENTS must be a positive number, not '%s'\n", argv[1]);
            return 2;
        }
    }

    static char buffer[1 << 16];
    setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
    printf("# chain benchmark: %ld statements, then one backward pass (tests/bench)\n", statements);
    printf("x0 = %s\n", CHAIN_LEAF_VALUE);
    char expr[64];
    for (long i = 1; i < statements; i++) {
        chain_link_expr(i, expr, sizeof expr);
        printf("x%ld = %s\n", i, expr);
    }
    printf(":grad\n");

    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("gen_chain: writing the script");
        return 1;
    }
    return 0;
}
