/* test_errors.c - the malformed-input corpus: every error the language and
 * the commands can raise, each with where it is reported and what it says.
 *
 * Each case runs in a session holding the book's apple example, a matrix X,
 * a vector v, a param W, Y = X @ W, the target price and the seed 1.5 (plus
 * the case's own set-up lines, if any). The malformed line must fail with
 * "<test>:LINE:COL: error: " and the message's opening words, print nothing
 * on out, and leave the session exactly as it was: the script :save would
 * write (names, definitions, values, target, seed, settings), :vars, and the
 * number of nodes are compared before and after. Check forks each case, so
 * a crash fails that case.
 *
 * Covers: lexer errors (characters, numbers, UTF-8), the parser (statements,
 * assignments, param, calls, keywords, literals, indexing, .T, nesting),
 * the engine (shapes, sizes, broadcasting, cycles, redefinitions that break
 * users) and the argument errors of every command, unknown commands and
 * prefixes. Files the :load cases read are made in a scratch directory that
 * is the working directory of the suite.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"
#include "repl/command.h"
#include "repl/session.h"

static const char *const SETUP = "apple = 100; apple_num = 2; tax = 1.1\n"
                                 "apple_price = apple * apple_num; price = apple_price * tax\n"
                                 "X = [[1, 2], [3, 4]]; v = [1, 2, 3]\n"
                                 "param W = [[0.5, -1], [2, 0.25]]\n"
                                 "Y = X @ W\n"
                                 ":target price\n"
                                 ":seed 1.5";

/* The scratch directory becomes the working directory, so :load and
 * :render cases use plain relative names; it holds a script with an error
 * and one that loads itself. */
static void make_files(void) {
    make_tmpdir();
    if (chdir(tmpdir) != 0) {
        perror(tmpdir);
        exit(EXIT_FAILURE);
    }
    static const struct {
        const char *name, *text;
    } files[] = {{"bad.bp", "x = 1 +\n"}, {"self.bp", ":load self.bp\n"}};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        FILE *f = fopen(files[i].name, "w");
        if (!f || fputs(files[i].text, f) < 0 || fclose(f) != 0) {
            perror(files[i].name);
            exit(EXIT_FAILURE);
        }
    }
}

static void remove_files(void) {
    if (chdir("/") != 0) perror("/");
    remove_tmpdir();
}

/* Everything a user can observe of the session, as text (caller frees):
 * what :save would write, then :vars, then the node count. */
static char *snapshot(Harness *h) {
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    ck_assert(f);
    ck_assert(session_write_script(&h->s, f, NULL));
    ck_assert_msg(h_run(h, ":vars"), "%s", h->err_text);
    fprintf(f, "%s%d nodes, json %d, watch %s\n", h->out_text, graph_count(&h->s.graph),
            h->sink.json, h->s.io.watch ? h->s.io.watch : "off");
    fclose(f);
    return text;
}

/* 257 opening parentheses: one more than the parser's nesting limit. */
#define PARENS16 "(((((((((((((((("
#define PARENS256                                                                                  \
    PARENS16 PARENS16 PARENS16 PARENS16 PARENS16 PARENS16 PARENS16 PARENS16 PARENS16 PARENS16      \
        PARENS16 PARENS16 PARENS16 PARENS16 PARENS16 PARENS16
#define NEST PARENS256 "("

static const struct {
    const char *setup; /* lines run first, which must succeed; or NULL */
    const char *line;  /* the malformed line */
    int col;           /* where the error is reported */
    const char *message;
} cases[] = {
    {NULL, "apple = $", 9, "unexpected character"},
    {NULL, "x = 1e", 5, "malformed number: exponent has no digits"},
    {NULL, "x = 1e+", 5, "malformed number: exponent has no digits"},
    {NULL, "x = 2x", 5, "a number runs into a name; write 2*x for a product"},
    {NULL, "x = 1 ¤ 2", 7, "unexpected character"},
    {NULL, "x = 1.5.2", 8, "unexpected a number after the expression"},
    {NULL, "x = @", 5, "expected an expression, found '@'"},
    {NULL, "x = 1 +", 8, "expected an expression"},
    {NULL, "price = ", 9, "expected an expression"},
    {NULL, "price = (apple", 15, "expected ')' to close the '(' at column 9"},
    {NULL, "price = apple_price * (tax", 27, "expected ')' to close the '(' at column 23"},
    {NULL, "1 = apple", 3, "only a name can be assigned to"},
    {NULL, "apple = 5 6", 11, "unexpected a number after the expression"},
    {NULL, "apple = 5 )", 11, "unexpected ')' after the expression"},
    {NULL, "exp = 3", 1, "'exp' is a function name and cannot be assigned"},
    {NULL, "y = exp", 5, "'exp' is a function: call it as exp(x)"},
    {NULL, "y = exp + 1", 5, "'exp' is a function: call it as exp(x)"},
    {NULL, "y = nope", 5, "undefined name 'nope'"},
    {NULL, "y = aple * 2", 5, "undefined name 'aple'; did you mean 'apple'?"},
    {NULL,
     "y = "
     "123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123"
     "45678901234567890",
     5, "number has too many digits"},
    {NULL, "x = 1e999", 5, "number too large (the largest is about 1.8e308)"},
    {NULL, "param W", 8, "expected '=' after the parameter's name: param W = randn(2,"},
    {NULL, "param 1 = 2", 7, "expected the parameter's name after param"},
    {NULL, "param exp = 1", 7, "'exp' is a function name and cannot be assigned"},
    {NULL, "param p = apple * 2", 7, "param p must be an input, a value that uses no names (param"},
    {NULL, "y = exp(1, 2)", 12, "exp takes 1 argument, got 2"},
    {NULL, "y = exp()", 5, "exp takes 1 argument, got 0"},
    {NULL, "y = foo(1)", 5, "unknown function 'foo' (known: exp, log, sqrt, sin, cos,"},
    {NULL, "y = exp(1", 10, "expected ')' to close the '(' at column 8"},
    {NULL, "y = [1, 2", 10, "expected ']' to close the '[' at column 5"},
    {NULL, "y = []", 6, "an empty literal: write at least one number"},
    {NULL, "y = [[1, 2], [3]]", 14, "ragged literal: this row has 1 element, the first has 2"},
    {NULL, "y = [[1, 2], 3]", 14, "ragged literal: expected a row [...] here, as in the rows"},
    {NULL, "y = [1, [2]]", 9, "ragged literal: expected a number here, as in the rows"},
    {NULL, "y = [[[[[1]]]]]", 9, "a literal has at most 4 dimensions"},
    {NULL, "y = [1, apple]", 9, "a literal's element must be a number, not a name like"},
    {NULL, "y = X.", 7, "expected T after '.': x.T is x transposed"},
    {NULL, "y = X.U", 7, "expected T after '.': x.T is x transposed"},
    {NULL, "y = X[", 7, "expected an expression"},
    {NULL, "y = X[0", 8, "expected ']' to close the '[' at column 6"},
    {NULL, "y = X[5]", 6, "index 5 is out of range for shape (2,2)"},
    {NULL, "y = X[-3]", 6, "index -3 is out of range for shape (2,2)"},
    {NULL, "y = apple[0]", 10, "a scalar cannot be indexed"},
    {NULL, "y = X[0.5]", 7, "an index must be a whole number, not 0.5"},
    {NULL, "y = X[apple]", 7, "an index must be a number, not a name like 'apple'"},
    {NULL, "y = sum(X, axis=5)", 5, "sum: axis 5 is out of range for shape"},
    {NULL, "y = sum(X, axis=0.5)", 17, "an axis must be a whole number such as 0, 1 or -1"},
    {NULL, "y = sum(X, axis=1.5)", 17, "an axis must be a whole number such as 0, 1 or -1"},
    {NULL, "y = sum(X, seed=1)", 12, "sum takes no seed= (only axis=)"},
    {NULL, "y = sum(X, axis=0, axis=1)", 20, "axis= is given twice"},
    {NULL, "y = sum(axis=0, X)", 17, "positional arguments go before keyword ones"},
    {NULL, "y = sum(X, axis=apple)", 17, "an axis must be a number, not a name like 'apple'"},
    {NULL, "y = mean(X, axis=-3)", 5, "mean: axis -3 is out of range for shape (2,2)"},
    {NULL, "y = sum(X, bogus=1)", 12, "sum takes no bogus= (only axis=)"},
    {NULL, "y = reshape(X, 3, 3)", 5,
     "reshape: a value of shape (2,2) cannot be reshaped to (3,3)"},
    {NULL, "y = reshape(X, 0, 4)", 16,
     "a dimension must be a whole number from 1 up (or -1 for the"},
    {NULL, "y = reshape(X)", 5, "reshape takes a tensor and 1 to 4 dimensions: reshape(x, 2,"},
    {NULL, "y = reshape(X, apple)", 16,
     "an argument after the tensor must be a number, not a name"},
    {NULL, "y = reshape(X, -1, -1)", 5,
     "reshape: (-1,-1) is not a shape (one -1 may stand for the"},
    {NULL, "y = reshape(X, 1, 1, 1, 1, 4)", 5,
     "reshape takes a tensor and 1 to 4 dimensions: reshape(x, 2,"},
    {NULL, "y = reshape(X, [2, 2])", 16,
     "an argument after the tensor must be a number, not a tensor"},
    {NULL, "y = zeros(0)", 11, "a dimension must be a whole number from 1 to 67108864, not 0"},
    {NULL, "y = zeros()", 5, "zeros takes 1 to 4 numbers, got 0"},
    {NULL, "y = zeros(2, X)", 14, "a dimension must be a number, not a name like 'X'"},
    {NULL, "y = zeros(1, 2, 3, 4, 5)", 5, "zeros takes 1 to 4 numbers, got 5"},
    {NULL, "y = zeros(2.5)", 11, "a dimension must be a whole number from 1 to 67108864, not"},
    {NULL, "y = zeros(2, seed=1)", 14, "zeros takes no seed="},
    {NULL, "y = randn(2, seed=-1)", 19, "a seed must be a whole number from 0 to 2^53, not -1"},
    {NULL, "y = randn(2, seed=1.5)", 19, "a seed must be a whole number from 0 to 2^53, not 1.5"},
    {NULL, "y = zeros(100000, 100000)", 5,
     "that is 10000000000 elements: the limit is 67108864 per"},
    {NULL, "y = arange(0)", 5, "arange(0, 0, 1) would be empty"},
    {NULL, "y = X @ v", 7, "shapes (2,2) and (3) do not fit for @: the left's last axis"},
    {NULL, "y = X + v", 7, "shapes (2,2) and (3) do not broadcast for +: each axis,"},
    {NULL, "y = apple @ X", 11, "@ multiplies vectors and matrices, not shapes () and (2,2)"},
    {NULL, "y = affine(apple, W, v)", 5, "affine: X must have samples, not shape ()"},
    {NULL, "y = affine(X, v, v)", 5, "affine: W must be a matrix, not shape (3)"},
    {NULL, "y = affine(X, zeros(3, 2), v)", 5,
     "affine: X (2,2) has 2 values per sample, but W (3,2) has 3"},
    {NULL, "y = affine(X, W, v)", 5, "affine: b (3) must be a vector as long as W (2,2) has"},
    {NULL, "y = cross_entropy(X, v)", 5,
     "cross_entropy: t (3) must be one-hot like the scores (2,2),"},
    {NULL, "y = softmax_with_loss(X, [[1, 0, 0], [0, 1, 0]])", 5,
     "softmax_with_loss: t (2,3) must be one-hot like the scores"},
    {NULL, "y = dot(X)", 5, "dot takes 2 arguments, got 1"},
    {NULL, "y = transpose(X, 1)", 18, "transpose takes 1 argument, got 2"},
    {NULL, "y = X.T.T @ v", 11, "shapes (2,2) and (3) do not fit for @: the left's last axis"},
    {NULL, "apple = price", 1, "cycle: apple → apple_price → price → apple"},
    {NULL, "apple = apple + 1", 1, "cycle: apple → apple"},
    {NULL, "apple_num = apple_num + 1", 1,
     "cycle: apple_num → apple_num; apple_num is an input: to change it, give it its new value "
     "(apple_num = 3)"},
    {NULL, "v = v * 2", 1,
     "cycle: v → v; v is an input: to change it, give it a new value that does not use v"},
    {NULL, "price = price * 2", 1,
     "cycle: price → price; price is computed from other names: give the new value a name of its "
     "own (price2 = price * 2)"},
    {NULL, "y = X[0, 5]", 10, "index 5 is out of range for shape (2)"},
    {NULL, "y = X[0, 1, 0]", 13, "a scalar cannot be indexed"},
    {NULL, "apple_num = price / 2", 1, "cycle: apple_num → apple_price → price → apple_num"},
    {NULL, "X = [1, 2, 3]", 1, "changing X from (2,2) to (3) breaks Y: shapes (3) and (2,2)"},
    {NULL, "W = ones(3, 3)", 1, "changing W from (2,2) to (3,3) breaks Y: shapes (2,2) and"},
    {NULL, ":del apple", 6, "cannot delete 'apple': used by apple_price"},
    {NULL, ":del tax", 6, "cannot delete 'tax': used by price"},
    {NULL, ":del nope", 6, "undefined name 'nope'"},
    {NULL, ":del", 1, ":del needs a name"},
    {NULL, ":del 1", 6, "expected a name, found a number"},
    {NULL, ":del price extra", 12, "unexpected 'extra': :del takes no more arguments"},
    {NULL, ":target nope", 9, "undefined name 'nope'"},
    {NULL, ":target apple extra", 15, "unexpected 'extra': :target takes no more arguments"},
    {NULL, ":target 5", 9, "expected a name, found a number"},
    {NULL, ":seed 1 +", 10, "expected an expression"},
    {NULL, ":seed nope", 7, "undefined name 'nope'"},
    {NULL, ":seed [1, 2", 12, "expected ']' to close the '[' at column 7"},
    {NULL, ":seed 1 2", 9, "unexpected a number after the expression"},
    {NULL, ":digits 0", 9, "digits must be a whole number from 1 to 17"},
    {NULL, ":digits 18", 9, "digits must be a whole number from 1 to 17"},
    {NULL, ":digits 2.5", 9, "digits must be a whole number from 1 to 17"},
    {NULL, ":digits x", 9, "digits must be a whole number from 1 to 17"},
    {NULL, ":digits 3 4", 11, "unexpected '4': :digits takes no more arguments"},
    {NULL, ":elide -1", 8, "elide must be a whole number from 0 to 67108864"},
    {NULL, ":elide x", 8, "elide must be a whole number from 0 to 67108864"},
    {NULL, ":elide 1.5", 8, "elide must be a whole number from 0 to 67108864"},
    {NULL, ":grad nope", 7, "undefined name 'nope'"},
    {NULL, ":grad 1", 7, "expected a name, found a number"},
    {NULL, ":grad apple nope", 13, "undefined name 'nope'"},
    {NULL, ":check y", 8, "undefined name 'y'; did you mean 'X'?"},
    {NULL, ":check price", 8, "'price' is computed from other names; :check perturbs leaves"},
    {NULL, ":check nope", 8, "undefined name 'nope'"},
    {NULL, ":check 2", 8, "expected a name, found a number"},
    {NULL, ":descend", 1, ":descend needs a learning rate: :descend 0.1 [STEPS]"},
    {NULL, ":descend -1", 10, "the learning rate must be a positive number"},
    {NULL, ":descend 0", 10, "the learning rate must be a positive number"},
    {NULL, ":descend x", 10, "the learning rate must be a positive number"},
    {NULL, ":descend 0.1 0", 14, "steps must be a whole number from 1 to 1000000"},
    {NULL, ":descend 0.1 1.5", 14, "steps must be a whole number from 1 to 1000000"},
    {NULL, ":descend 0.1 9999999", 14, "steps must be a whole number from 1 to 1000000"},
    {NULL, ":descend 0.1 2 3", 16, "unexpected '3': :descend takes no more arguments"},
    {NULL, ":descend 0.1", 1, "no param feeds price: :descend trains the params the target"},
    {NULL, ":save", 1, ":save needs a file name"},
    {NULL, ":save /nonexistent/dir/x.bp", 1,
     "cannot save '/nonexistent/dir/x.bp': No such file or"},
    {NULL, ":load", 1, ":load needs a file name"},
    {NULL, ":load /nonexistent/x.bp", 1,
     "loading '/nonexistent/x.bp' failed; the session is unchanged"},
    {NULL, ":load bad.bp", 1, "loading 'bad.bp' failed; the session is unchanged"},
    {NULL, ":load self.bp", 1, "loading 'self.bp' failed; the session is unchanged"},
    {NULL, ":save \"a.bp", 7, "unclosed quote: a quoted name ends with the quote it starts with"},
    {NULL, ":load 'a.bp # c", 7, "unclosed quote: a quoted name ends with the quote it starts"},
    {NULL, ":save \"a\"b.bp", 7, "text after the closing quote: put the whole name in the"},
    {NULL, ":save a.bp b.bp", 12, "one file at a time ('b.bp' is a second; quote a name that"},
    {NULL, ":load my file.bp", 10, "one file at a time ('file.bp' is a second; quote a name"},
    {NULL, ":save \xff.bp", 7,
     "invalid UTF-8 in a command: commands and their arguments, file names"},
    {NULL, ":render 'x\xe2\x82.svg'", 11, "invalid UTF-8 in a command"},
    {NULL, ":help \xff", 7, "invalid UTF-8 in a command"},
    {NULL, ":gr\xc3", 4, "invalid UTF-8 in a command"},
    {NULL, ":watch a.svg b", 14, "unexpected 'b': :watch takes no more arguments"},
    {NULL, ":render x.xyz", 9, "cannot tell the format of 'x.xyz': use .svg, .png, .pdf,"},
    {NULL, ":render --bogus", 9, "unknown option '--bogus' (options: --forward --expand"},
    {NULL, ":render a.svg b.svg", 15,
     "one file at a time ('b.svg' is a second; quote a name that holds spaces: \"my file.svg\")"},
    {NULL, ":render --of", 9, "--of needs a name"},
    {NULL, ":render --of nope", 14, "undefined name 'nope'"},
    {NULL, ":render --of price --all", 1, "--of and --all cannot be combined"},
    {NULL, ":render --expand=3", 9, "'--expand=3': the levels are --expand (layers as their ops)"},
    {NULL, ":mermaid --elements --expand=1", 21, "'--expand=1': the levels are --expand"},
    {NULL, ":render --digits", 9, "--digits needs a whole number from 1 to 17"},
    {NULL, ":render --digits 0", 18, "--digits needs a whole number from 1 to 17"},
    {NULL, ":render --scale", 9, "--scale needs a number from 0.5 to 8 (PNG pixels: 2 is 192"},
    {NULL, ":render --scale 0.4", 17, "--scale needs a number from 0.5 to 8"},
    {NULL, ":render --scale 9", 17, "--scale needs a number from 0.5 to 8"},
    {NULL, ":render --scale nan", 17, "--scale needs a number from 0.5 to 8"},
    {NULL, ":render --scale 2x", 17, "--scale needs a number from 0.5 to 8"},
    {NULL, ":render x", 9, "cannot tell the format of 'x': use .svg, .png, .pdf, .dot,"},
    {NULL, ":mermaid x.svg", 1, ":mermaid writes .mmd or .md files, not 'x.svg'"},
    {NULL, ":watch x.xyz", 8, "cannot tell the format of 'x.xyz': use .svg, .png, .pdf,"},
    {NULL, ":help nope", 7, "no command 'nope' (try :help)"},
    {NULL, ":zz", 1, "unknown command ':zz' (try :help)"},
    {NULL, ":gradd", 1, "unknown command ':gradd'; did you mean ':grad'?"},
    {NULL, ":vars y", 7, ":vars takes no arguments"},
    {NULL, ":clear now", 8, ":clear takes no arguments"},
    {NULL, ":graph 1", 8, ":graph takes no arguments"},
    {NULL, ":trace x", 8, ":trace takes no arguments"},
    {NULL, ":quit now", 7, ":quit takes no arguments"},
    {NULL, ":", 1, "unknown command ':' (try :help)"},
    {NULL, ":zz; apple = 1", 1, "unknown command ':zz'"},
    {":target Y", ":grad", 1, "the target Y is not a scalar (shape (2,2)): set :seed to a"},
    {":target Y", ":trace", 1, "the target Y is not a scalar (shape (2,2)): set :seed to a"},
    {":target Y", ":check", 1, "the target Y is not a scalar (shape (2,2)): set :seed to a"},
    {":target Y", ":descend 0.1", 1, "the target Y is not a scalar (shape (2,2)): set :seed to a"},
    {":clear", ":grad", 1, "no target: define a value computed from others (price ="},
    {":clear", ":trace", 1, "no target: define a value computed from others (price ="},
    {":clear", ":check", 1, "no target: define a value computed from others (price ="},
    {":clear", ":descend 0.1", 1, "no target: define a value computed from others (price ="},
    {NULL, ":seed [1, 2]", 7,
     "the target price is a scalar, so its seed is a number (:seed 1.5), not a tensor of shape "
     "(2)"},
    {":target Y", ":seed [1, 2, 3]", 7, "the seed has shape (3) but the target Y has shape (2,2)"},
    /* Python and NumPy habits get a hint */
    {NULL, "y = math.exp(apple)", 5,
     "undefined name 'math'; backprop's functions need no module: write exp(x), not math.exp(x)"},
    {NULL, "y = np.dot(X, W)", 5,
     "undefined name 'np'; backprop's functions need no module: write dot(x, y) or x @ y, "
     "exp(x), sum(X), not np.dot(x, y)"},
    {NULL, "y = X.sum()", 7, "backprop has no methods: write sum(X), not X.sum()"},
    {NULL, "X.shape", 3, "backprop has no .shape: :vars shows each value with its shape"},
    {NULL, "apple == 9", 7,
     "'==' compares, and backprop has no comparisons: its values all have gradients; for the "
     "book's accuracy use accuracy(Y, t)"},
    {NULL, "help", 1, "undefined name 'help'; commands start with ':': :help lists them"},
    {NULL, "quit", 1, "undefined name 'quit'; commands start with ':': :quit leaves (Ctrl-D"},
    {NULL, "exit()", 1, "unknown function 'exit'; commands start with ':': :quit leaves (Ctrl-D"},
    {NULL, "y = max(apple, 0)", 5, "unknown function 'max'; for max(x, 0) write relu(x)"},
    /* cases the table generator could not write as plain text */
    {NULL, "x = \xff", 5, "invalid UTF-8 in the source"},
    {NULL, "x = 1 + \xe2\x82", 9, "invalid UTF-8 in the source"},
    {NULL, "x = " NEST "1", 261, "expression nested too deeply (the limit is 256"},
    {NULL, ":help grad extra", 12, "unexpected 'extra': :help takes no more arguments"},
    {":clear", ":target", 1, "no target: define a value computed from others"},
};

START_TEST(test_error) {
    Harness h;
    h_init(&h);
    ck_assert_msg(h_run(&h, SETUP), "%s", h.err_text);
    if (cases[_i].setup) ck_assert_msg(h_run(&h, cases[_i].setup), "%s", h.err_text);
    char *before = snapshot(&h);
    const char *line = cases[_i].line;
    ck_assert_msg(!h_run(&h, line), "\"%s\" succeeded", line);
    char where[64];
    snprintf(where, sizeof where, "<test>:%d:%d: error: ", h.line, cases[_i].col);
    const char *report = strstr(h.err_text, where);
    ck_assert_msg(report, "\"%s\": err\n%s\nlacks \"%s\"", line, h.err_text, where);
    const char *end = strchr(report, '\n');
    const char *message = strstr(report, cases[_i].message);
    ck_assert_msg(message && end && message < end, "\"%s\": err\n%s\nlacks \"%s\"", line,
                  h.err_text, cases[_i].message);
    ck_assert_msg(h.out_text[0] == '\0', "\"%s\" printed \"%s\"", line, h.out_text);
    char *after = snapshot(&h);
    ck_assert_msg(strcmp(before, after) == 0, "\"%s\" changed the session:\n%s\n---- now:\n%s",
                  line, before, after);
    free(before);
    free(after);
    h_free(&h);
}
END_TEST

/* The corpus is only as good as its reach: at least 100 cases. */
START_TEST(test_corpus_size) {
    ck_assert_uint_ge(sizeof cases / sizeof cases[0], 100);
}
END_TEST

static Suite *errors_suite(void) {
    Suite *s = suite_create("errors");
    TCase *tc = tcase_create("malformed input");
    tcase_add_unchecked_fixture(tc, make_files, remove_files);
    tcase_add_loop_test(tc, test_error, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, test_corpus_size);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(errors_suite)
