/* test_session.c - a Session driven line by line, output compared exactly.
 *
 * The harness gives the session two memory streams (open_memstream) for out
 * and err and runs source lines as if from a file named "<test>", numbered
 * from 1. What one call printed is then compared as a string.
 *
 * Covers: the book's numbers (buying apples: 220 and its gradients 2.2, 110,
 * 200; apples and oranges: 715 and 2.2, 110, 3.3, 165, 650), :seed with an
 * add and a mul node, the text and JSON output formats (values, gradients,
 * settings, errors with file/line/col, nan and inf as strings), error
 * reports with the source line and a caret, atomicity (a failing statement
 * or command changes nothing: cycles, syntax errors, undefined names,
 * refused :del, failed :load), live updates when a name is redefined, :del,
 * :clear, :target and the default target, :grad with and without names,
 * :check, :trace (fan-out sums), :vars, :help, command prefixes, unknown
 * commands, and the :save / :load round trip.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"
#include "repl/session.h"

/* Runs lines that must succeed silently on err; returns out (caller frees). */
static char *h_capture(Harness *h, const char *lines) {
    bool ok = h_run(h, lines);
    ck_assert_msg(ok && h->err_text[0] == '\0', "\"%s\" failed: %s", lines, h->err_text);
    return strdup(h->out_text);
}

#define ck_assert_out(h, expected)                                                                 \
    ck_assert_msg(strcmp((h)->out_text, (expected)) == 0, "out:\n%s\nexpected:\n%s",               \
                  (h)->out_text, (expected))
#define ck_assert_err(h, expected)                                                                 \
    ck_assert_msg(strcmp((h)->err_text, (expected)) == 0, "err:\n%s\nexpected:\n%s",               \
                  (h)->err_text, (expected))

static const char *const BOOK_APPLE = "apple = 100\n"
                                      "apple_num = 2\n"
                                      "tax = 1.1\n"
                                      "apple_price = apple * apple_num\n"
                                      "price = apple_price * tax";

static const char *const BOOK_VARS = "name         value  kind     definition\n"
                                     "apple        100    leaf     \n"
                                     "apple_num    2      leaf     \n"
                                     "tax          1.1    leaf     \n"
                                     "apple_price  200    derived  apple * apple_num\n"
                                     "price        220    derived  apple_price * tax\n";

static const char *const BOOK_GRAD = "∂price/∂apple = 2.2\n"
                                     "∂price/∂apple_num = 110\n"
                                     "∂price/∂tax = 200\n";

/* --- transcripts: input lines -> exact out and err ------------------------------------ */

static const struct {
    const char *what;
    bool json;
    const char *input;
    const char *out;
    const char *err;
} transcripts[] = {
    {"book: buying apples (figure 5-16)", false,
     "apple = 100\napple_num = 2\ntax = 1.1\napple_price = apple * apple_num\n"
     "price = apple_price * tax\n:grad",
     "apple = 100\napple_num = 2\ntax = 1.1\napple_price = 200\nprice = 220\n"
     "∂price/∂apple = 2.2\n∂price/∂apple_num = 110\n∂price/∂tax = 200\n",
     ""},
    {"book: apples and oranges (figure 5-17)", false,
     "apple = 100; apple_num = 2; orange = 150; orange_num = 3; tax = 1.1\n"
     "apple_price = apple * apple_num; orange_price = orange * orange_num\n"
     "all_price = apple_price + orange_price; price = all_price * tax\n:grad",
     "tax = 1.1\n"
     "orange_price = 450\n"
     "price = 715\n"
     "∂price/∂apple = 2.2\n"
     "∂price/∂apple_num = 110\n"
     "∂price/∂orange = 3.3\n"
     "∂price/∂orange_num = 165\n"
     "∂price/∂tax = 650\n",
     ""},
    {"one line, as in the README", false, "apple=100; tax=1.1; price=apple*2*tax; :grad",
     "∂price/∂apple = 2.2\n"
     "∂price/∂tax = 200\n",
     ""},
    {"an add node passes dout through (figure 5-9)", false,
     "x = 10; y = 5; z = x + y\n:seed 1.3\n:grad",
     "z = 15\n"
     "seed = 1.3\n"
     "∂L/∂x = 1.3\n"
     "∂L/∂y = 1.3\n",
     ""},
    {"a mul node swaps its inputs (figure 5-12)", false,
     "x = 10; y = 5; z = x * y\n:seed 1.3\n:grad",
     "z = 50\n"
     "seed = 1.3\n"
     "∂L/∂x = 6.5\n"
     "∂L/∂y = 13\n",
     ""},
    {"bare expressions print their value", false, "apple = 100\napple * 2\n-apple\n2**-1",
     "apple = 100\n200\n-100\n0.5\n", ""},
    {"digits", false, "0.1 + 0.2\n:digits 17\n0.1 + 0.2\n:digits\n:digits 3\n1/3",
     "0.3\ndigits = 17\n0.30000000000000004\ndigits = 17\ndigits = 3\n0.333\n", ""},
    {"book price at 17 digits", false, ":digits 17\napple = 100; price = apple * 2 * 1.1",
     "digits = 17\n"
     "price = 220.00000000000003\n",
     ""},
    {"seed: show, set to an expression", false, ":seed\n:seed -1.3\n:seed 2*3\n:seed",
     "seed = 1\nseed = -1.3\nseed = 6\nseed = 6\n", ""},
    {"a comment and an empty line", false, "x = 1 # one\n\n# nothing\nx", "x = 1\n1\n", ""},
    {"nan and inf in text, each with where it appeared", false, "0/0\n1/0\n-1/0",
     "nan\nwarning: nan first appears at 0 / 0\ninf\nwarning: division by zero at 1 / 0\n"
     "-inf\nwarning: division by zero at -1 / 0\n",
     ""},
    {"unicode operators and names", false, "사과 = 100\n사과 × 2 ÷ 4 − 1\nα = 0.5; α·사과",
     "사과 = 100\n"
     "49\n"
     "50\n",
     ""},
    {"functions", false, "x = 0\nexp(x)\nsigmoid(x)\nrelu(x - 1)\ntanh(x)\nsqrt(4)\nlog(1)",
     "x = 0\n1\n0.5\n0\n0\n2\n0\n", ""},
    {"fan-out: y = x*x", false, "x = 3; y = x * x\n:grad",
     "y = 9\n"
     "∂y/∂x = 6\n",
     ""},
    {"a leaf chosen as target", false, "k = 2 + 3\nt = 1\n:target t\n:grad",
     "k = 5\nt = 1\ntarget: t\n∂t/∂t = 1\n", ""},
    {"changing an input reports the target", false,
     "apple = 100; tax = 1.1; price = apple * 2 * tax\napple = 150\ntax = 1.1\nother = 1",
     "price = 220\n"
     "apple = 150\n"
     "  → price = 330\n"
     "tax = 1.1\n"
     "other = 1\n",
     ""},

    {"json: values", true, "apple = 110; price = apple * 2\nprice * 1",
     "{\"kind\":\"value\",\"name\":\"price\",\"value\":220}\n"
     "{\"kind\":\"value\",\"name\":null,\"value\":220}\n",
     ""},
    {"json: full precision regardless of digits", true, "apple = 100; price = apple * 2 * 1.1",
     "{\"kind\":\"value\",\"name\":\"price\",\"value\":220.00000000000003}\n", ""},
    {"json: gradients", true, "apple = 100; tax = 1.1; price = apple * 2 * tax\n:grad",
     "{\"kind\":\"value\",\"name\":\"price\",\"value\":220.00000000000003}\n"
     "{\"kind\":\"grad\",\"of\":\"price\",\"wrt\":\"apple\",\"value\":2.2}\n"
     "{\"kind\":\"grad\",\"of\":\"price\",\"wrt\":\"tax\",\"value\":200}\n",
     ""},
    {"json: errors go to out", true, "apple = 100\nprice = aple * 2",
     "{\"kind\":\"value\",\"name\":\"apple\",\"value\":100}\n"
     "{\"kind\":\"error\",\"file\":\"<test>\",\"line\":2,\"col\":9,"
     "\"message\":\"undefined name 'aple'; did you mean 'apple'?\"}\n",
     ""},
    {"json: nan and inf are strings", true, "x = 0/0; y = 1/0; z = -1/0",
     "{\"kind\":\"warning\",\"name\":\"x\",\"message\":\"x = nan: nan first appears at 0 / "
     "0\",\"at\":\"0 / 0\"}\n"
     "{\"kind\":\"warning\",\"name\":\"y\",\"message\":\"y = inf: division by zero at 1 / "
     "0\",\"at\":\"1 / 0\"}\n"
     "{\"kind\":\"value\",\"name\":\"z\",\"value\":\"-inf\"}\n"
     "{\"kind\":\"warning\",\"name\":\"z\",\"message\":\"z = -inf: division by zero at -1 / "
     "0\",\"at\":\"-1 / 0\"}\n",
     ""},
    {"json: settings and commands", true,
     "x = 1; y = x * 2\n:seed 1.3\n:target\n:digits 17\n:del y\n:clear\n:help quit",
     "{\"kind\":\"value\",\"name\":\"y\",\"value\":2}\n"
     "{\"kind\":\"seed\",\"value\":1.3}\n"
     "{\"kind\":\"target\",\"name\":\"y\"}\n"
     "{\"kind\":\"digits\",\"value\":17}\n"
     "{\"kind\":\"deleted\",\"name\":\"y\"}\n"
     "{\"kind\":\"cleared\"}\n"
     "{\"kind\":\"help\",\"command\":\"quit\",\"args\":\"\",\"help\":\"leave backprop (Ctrl-D does "
     "too)\",\"details\":\"no arguments; in a script or a :load-ed file, nothing after it "
     "runs\\nexample: :quit\"}\n",
     ""},
    {"json: an input change reports the target", true,
     "apple = 110; price = apple * 2\napple = 120",
     "{\"kind\":\"value\",\"name\":\"price\",\"value\":220}\n"
     "{\"kind\":\"value\",\"name\":\"apple\",\"value\":120}\n"
     "{\"kind\":\"update\",\"name\":\"price\",\"value\":240}\n",
     ""},
    {"json: vars", true, "사과 = 2; b = 사과 ** 2\n:vars",
     "{\"kind\":\"value\",\"name\":\"b\",\"value\":4}\n"
     "{\"kind\":\"var\",\"name\":\"사과\",\"value\":2,\"type\":\"leaf\",\"definition\":\"2\"}\n"
     "{\"kind\":\"var\",\"name\":\"b\",\"value\":4,\"type\":\"derived\",\"definition\":\"사과**2\"}"
     "\n",
     ""},

    {"error: undefined name with a hint", false, "apple = 100\nprice = aple * 2", "apple = 100\n",
     "<test>:2:9: error: undefined name 'aple'; did you mean 'apple'?\n"
     "    price = aple * 2\n"
     "            ^~~~\n"},
    {"error: the caret counts columns, Korean is 2 wide", false, "사과 = 1\n사과 + 2x",
     "사과 = 1\n",
     "<test>:2:6: error: a number runs into a name; write 2*x for a product\n"
     "    사과 + 2x\n"
     "           ^~\n"},
    {"error: unknown command", false, ":zz", "",
     "<test>:1:1: error: unknown command ':zz' (try :help)\n    :zz\n    ^~~\n"},
    {"error: no target yet", false, ":grad", "",
     "<test>:1:1: error: no target: define a value computed from others (price = apple * 2) or "
     "choose one with :target NAME\n    :grad\n    ^~~~~\n"},
    {"error: bad digits", false, ":digits 0\n:digits 18\n:digits 2.5\n:digits", "digits = 12\n",
     "<test>:1:9: error: digits must be a whole number from 1 to 17\n    :digits 0\n            ^\n"
     "<test>:2:9: error: digits must be a whole number from 1 to 17\n    :digits 18\n            "
     "^~\n"
     "<test>:3:9: error: digits must be a whole number from 1 to 17\n    :digits 2.5\n            "
     "^~~\n"},
    {"error: a line stops at its first error", false, "a = 1; b = nope; c = 3\nc", "",
     "<test>:1:12: error: undefined name 'nope'\n    a = 1; b = nope; c = 3\n               ^~~~\n"
     "<test>:2:1: error: undefined name 'c'; did you mean 'a'?\n    c\n    ^\n"},
    {"error: :check of a derived name", false, "x = 1; y = x * 2\n:check y", "y = 2\n",
     "<test>:2:8: error: 'y' is computed from other names; :check perturbs leaves\n"
     "    :check y\n           ^\n"},
    {"';' silences a statement, and only it", false,
     "apple = 100;\na = 1; b = 2\na = 1; b = 2;\na * 10;\na * 10 ; # a comment after it", "b = 2\n",
     ""},
    {"';' silences the update it causes", false, "a = 1\nb = a * 2\na = 3;\nb", "a = 1\nb = 2\n6\n",
     ""},
    {"';' keeps warnings", false, "x = -1; y = log(x);\n0/0;",
     "warning: y = nan: nan first appears at log(x) (x = -1)\n"
     "warning: nan first appears at 0 / 0\n",
     ""},
    {"';' keeps errors", false, "x = 1;\ny = zz;", "",
     "<test>:2:5: error: undefined name 'zz'\n    y = zz;\n        ^~\n"},
    {"';' does not silence a command", false, "a = 1; :digits; b = 2;", "digits = 12\n", ""},
    {"json: ';' leaves no value row", true, "a = 1; b = 2;\n1 + 1;\nb",
     "{\"kind\":\"value\",\"name\":null,\"value\":2}\n", ""},
    {":quiet silences definitions and updates, not expressions or commands", false,
     ":quiet\n:quiet on\na = 1\nb = a * 2\na = 2\nb\n:grad\n:quiet\n:quiet off\na = 3",
     "quiet = off\nquiet = on\n4\n∂b/∂a = 2\nquiet = on\nquiet = off\na = 3\n  → b = 6\n", ""},
    {":quiet keeps warnings and errors", false, ":quiet on\nx = -1\ny = log(x)\nz = zz",
     "quiet = on\nwarning: y = nan: nan first appears at log(x) (x = -1)\n",
     "<test>:4:5: error: undefined name 'zz'\n    z = zz\n        ^~\n"},
    {"json: :quiet", true, ":quiet on\na = 1\na + 1",
     "{\"kind\":\"quiet\",\"value\":true}\n{\"kind\":\"value\",\"name\":null,\"value\":2}\n", ""},
    {"X[0, 1] is X[0][1]", false, "X = [[1, 2], [3, 4]];\nX[1, 0]\nX[1][0]", "3\n3\n", ""},
    {"error: the '==' caret marks both characters", false, "a = 1;\na == 1", "",
     "<test>:2:3: error: '==' compares, and backprop has no comparisons: its values all have "
     "gradients; for the book's accuracy use accuracy(Y, t)\n    a == 1\n      ^~\n"},
    {"a formula turned into an input says so once, even silenced or quiet", false,
     "a = 1; c = 2; b = a * c + a;\nb = 5\nb = 6\nd = c * 2;\nd = 1;\n:quiet on\ne = a * 2\ne = 3",
     "b = 5\nwarning: b is now an input; it no longer depends on a and c\nb = 6\n"
     "warning: d is now an input; it no longer depends on c\nquiet = on\n"
     "warning: e is now an input; it no longer depends on a\n",
     ""},
    {"json: a formula turned into an input", true, "a = 1; b = a * 2;\nb = 5;",
     "{\"kind\":\"warning\",\"name\":\"b\",\"message\":\"b is now an input; it no longer "
     "depends on a\",\"at\":null}\n",
     ""},
    {"error: :quiet takes on or off", false, ":quiet yes\n:quiet on off", "",
     "<test>:1:8: error: :quiet takes on or off\n    :quiet yes\n           ^~~\n"
     "<test>:2:11: error: unexpected 'off': :quiet takes no more arguments\n"
     "    :quiet on off\n              ^~~\n"},
    {"error: extra argument", false, "x = 1; y = x * 2\n:vars y", "y = 2\n",
     "<test>:2:7: error: :vars takes no arguments\n"
     "    :vars y\n          ^\n"},

    {"prefix: :g is :grad", false, "x = 2; y = x * 3\n:g\n:gr\n:gra",
     "y = 6\n"
     "∂y/∂x = 3\n"
     "∂y/∂x = 3\n"
     "∂y/∂x = 3\n",
     ""},
    {"prefix: :t is :target, :tr is :trace", false, "x = 2; y = -x\n:t\n:tr",
     "y = -2\n"
     "target: y\n"
     "backward pass of y, seeded with ∂y/∂y = 1 (the upstream gradient)\n"
     "step 1: y = -x   [neg node]\n"
     "    upstream ∂y/∂y = 1\n"
     "    to x: local ∂y/∂x = -1, so 1 × -1 = -1 flows back\n"
     "result: ∂y/∂x = -1\n",
     ""},
    {"prefix: :h is :help for one command", false, ":h grad\n:help :seed",
     "  :grad [NAME...]           gradients of the target with respect to NAMEs (default: its "
     "leaves)\n"
     "    NAME...   the names to take gradients with respect to, leaves or derived;\n"
     "              none: every leaf the target uses, in definition order\n"
     "    example: :grad apple tax\n"
     "  :seed [VALUE]             show or set the gradient fed into the target (the book's dout; "
     "default 1)\n"
     "    VALUE     an expression without names: a number for a scalar target, a\n"
     "              tensor of the target's shape for a tensor one; none: show the seed\n"
     "    example: :seed 1.5   or   :seed ones(2, 3)\n",
     ""},

    {":trace of y = x*x sums the fan-out", false, "x = 3; y = x * x\n:trace",
     "y = 9\n"
     "backward pass of y, seeded with ∂y/∂y = 1 (the upstream gradient)\n"
     "step 1: y = x * x   [mul node]\n"
     "    upstream ∂y/∂y = 1\n"
     "    to x: local ∂y/∂x = 3, so 1 × 3 = 3 flows back\n"
     "    to x: local ∂y/∂x = 3, so 1 × 3 = 3 flows back\n"
     "    x is used more than once: its gradients add up, 3 + 3 = 6\n"
     "result: ∂y/∂x = 6\n",
     ""},
    {":trace sums a name used twice in one node in order", false, "x = 2; y = x * x + x\n:trace",
     "y = 6\n"
     "backward pass of y, seeded with ∂y/∂y = 1 (the upstream gradient)\n"
     "step 1: y = x * x + x   [add node]\n"
     "    upstream ∂y/∂y = 1\n"
     "    to (x * x): local ∂y/∂(x * x) = 1, so 1 × 1 = 1 flows back\n"
     "    to x: local ∂y/∂x = 1, so 1 × 1 = 1 flows back\n"
     "step 2: (x * x) = x * x   [mul node]\n"
     "    upstream ∂y/∂(x * x) = 1\n"
     "    to x: local ∂(x * x)/∂x = 2, so 1 × 2 = 2 flows back\n"
     "    x is used more than once: its gradients add up, 1 + 2 = 3\n"
     "    to x: local ∂(x * x)/∂x = 2, so 1 × 2 = 2 flows back\n"
     "    x is used more than once: its gradients add up, 3 + 2 = 5\n"
     "result: ∂y/∂x = 5\n",
     ""},
    {":trace --json totals are running sums", true, "x = 2; y = x * x * x\n:trace",
     "{\"kind\":\"value\",\"name\":\"y\",\"value\":8}\n"
     "{\"kind\":\"flow\",\"step\":1,\"from\":\"y\",\"to\":\"(x * "
     "x)\",\"upstream\":1,\"local\":2,\"flow\":2,\"total\":2}\n"
     "{\"kind\":\"flow\",\"step\":1,\"from\":\"y\",\"to\":\"x\",\"upstream\":1,\"local\":4,"
     "\"flow\":4,\"total\":4}\n"
     "{\"kind\":\"flow\",\"step\":2,\"from\":\"(x * "
     "x)\",\"to\":\"x\",\"upstream\":2,\"local\":2,\"flow\":4,\"total\":8}\n"
     "{\"kind\":\"flow\",\"step\":2,\"from\":\"(x * "
     "x)\",\"to\":\"x\",\"upstream\":2,\"local\":2,\"flow\":4,\"total\":12}\n",
     ""},
    {":trace sums a tensor used twice in one node in order", false,
     "v = [1, 2]; w = sum(v * v + v)\n:trace",
     "w = 8\n"
     "backward pass of w, seeded with ∂w/∂w = 1 (the upstream gradient)\n"
     "step 1: w = sum(v * v + v)   [sum node]\n"
     "    upstream ∂w/∂w = 1\n"
     "    to (v * v + v): [1, 1] flows back\n"
     "step 2: (v * v + v) = v * v + v   [add node]\n"
     "    upstream ∂w/∂(v * v + v) = [1, 1]\n"
     "    to (v * v): [1, 1] flows back\n"
     "    to v: [1, 1] flows back\n"
     "step 3: (v * v) = v * v   [mul node]\n"
     "    upstream ∂w/∂(v * v) = [1, 1]\n"
     "    to v: [1, 2] flows back\n"
     "    v is used more than once: its gradients add up to [2, 3]\n"
     "    to v: [1, 2] flows back\n"
     "    v is used more than once: its gradients add up to [3, 5]\n"
     "result: ∂w/∂v = [3, 5]\n",
     ""},
    {":trace of the book's apples", false,
     "apple = 100; apple_num = 2; tax = 1.1; apple_price = apple * apple_num; price = apple_price "
     "* tax\n"
     ":trace",
     "price = 220\n"
     "backward pass of price, seeded with ∂price/∂price = 1 (the upstream gradient)\n"
     "step 1: price = apple_price * tax   [mul node]\n"
     "    upstream ∂price/∂price = 1\n"
     "    to apple_price: local ∂price/∂apple_price = 1.1, so 1 × 1.1 = 1.1 flows back\n"
     "    to tax: local ∂price/∂tax = 200, so 1 × 200 = 200 flows back\n"
     "step 2: apple_price = apple * apple_num   [mul node]\n"
     "    upstream ∂price/∂apple_price = 1.1\n"
     "    to apple: local ∂apple_price/∂apple = 2, so 1.1 × 2 = 2.2 flows back\n"
     "    to apple_num: local ∂apple_price/∂apple_num = 100, so 1.1 × 100 = 110 flows back\n"
     "result: ∂price/∂apple = 2.2, ∂price/∂apple_num = 110, ∂price/∂tax = 200\n",
     ""},
};

START_TEST(test_transcript) {
    Harness h;
    h_init(&h);
    h.sink.json = transcripts[_i].json;
    h_run(&h, transcripts[_i].input);
    ck_assert_msg(strcmp(h.out_text, transcripts[_i].out) == 0, "%s\nout:\n%s\nexpected:\n%s",
                  transcripts[_i].what, h.out_text, transcripts[_i].out);
    ck_assert_msg(strcmp(h.err_text, transcripts[_i].err) == 0, "%s\nerr:\n%s\nexpected:\n%s",
                  transcripts[_i].what, h.err_text, transcripts[_i].err);
    h_free(&h);
}
END_TEST

/* `x = a + a + ... + a`, 8000 terms: each unnamed sum is named `#id`, not
 * by its text, and a definition too long to spell out is told as its last
 * operation, so the narration grows with the terms, not with their square
 * (it was 130 MB). A bound on bytes, not on time. */
START_TEST(test_trace_long_sum) {
    enum { TERMS = 8000, BYTES_PER_TERM = 300, LINE_MAX = 160 };
    Harness h;
    h_init(&h);
    StrBuf src;
    sb_init(&src);
    sb_puts(&src, "a = 1; x = a");
    for (int i = 1; i < TERMS; i++)
        sb_puts(&src, " + a");
    ck_assert(h_run(&h, src.data));
    ck_assert(h_run(&h, ":trace"));
    size_t bytes = strlen(h.out_text);
    ck_assert_msg(bytes <= (size_t)TERMS * BYTES_PER_TERM, "%zu bytes", bytes);
    for (const char *line = h.out_text; *line;) {
        size_t len = strcspn(line, "\n");
        ck_assert_msg(len <= LINE_MAX, "a line of %zu bytes: %.200s", len, line);
        line += len + (line[len] != '\0');
    }
    /* step 1: x = #N + a   [add node] */
    const char *step1 = strstr(h.out_text, "\nstep 1: x = #"), *end = " + a   [add node]";
    ck_assert_msg(step1, "%.300s", h.out_text);
    size_t len = strcspn(step1 + 1, "\n");
    ck_assert_msg(memcmp(step1 + 1 + len - strlen(end), end, strlen(end)) == 0, "%.*s", (int)len,
                  step1 + 1);
    ck_assert(strstr(h.out_text, "its gradients add up, 7999 + 1 = 8000\nresult: ∂x/∂a = 8000\n"));
    sb_free(&src);
    h_free(&h);
}
END_TEST

/* --- results and errors through the API --------------------------------------------- */

START_TEST(test_run_line_results) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, BOOK_APPLE));
    ck_assert_int_eq(h.s.io.failures, 0);
    ck_assert(!session_run_line(&h.s, "<test>", 1, "price = aple * 2", 16));
    ck_assert_int_eq(h.s.io.failures, 1);
    ck_assert(session_run_line(&h.s, "<test>", 2, "", 0));
    ck_assert(session_run_line(&h.s, "<test>", 3, "   # only a comment", 19));
    /* the text may go on past `len`, or contain a newline: neither is run */
    ck_assert(session_run_line(&h.s, "<test>", 4, "q = 1; r = nope", 5));
    ck_assert(session_run_line(&h.s, "<test>", 5, "w = 2\nv = nope", 15));
    fflush(h.err);
    h_run(&h, "q; w");
    ck_assert_out(&h, "q = 1\n"
                      "w = 2\n"
                      "2\n"); /* everything since the last h_run */
    ck_assert_str_eq(h.err_buf, "<test>:1:9: error: undefined name 'aple'; did you mean 'apple'?\n"
                                "    price = aple * 2\n"
                                "            ^~~~\n");
    h_free(&h);
}
END_TEST

START_TEST(test_session_target_api) {
    Harness h;
    h_init(&h);
    ck_assert_int_eq(session_target(&h.s), NODE_NONE);
    h_run(&h, "x = 1");
    ck_assert_int_eq(session_target(&h.s), NODE_NONE); /* a leaf is never the default */
    h_run(&h, "y = x + 1");
    ck_assert_int_eq(session_target(&h.s), graph_lookup(&h.s.graph, "y", 1));
    h_free(&h);
}
END_TEST

/* --- atomicity: a failing statement or command changes nothing ------------------------- */

/* Snapshot of everything the user can see about the session. */
static char *snapshot(Harness *h) {
    bool json = h->sink.json;
    h->sink.json = false;
    char *vars = h_capture(h, ":vars\n:target\n:seed\n:digits\n:grad");
    h->sink.json = json;
    return vars;
}

/* Runs `line`, which must fail with a message containing `message` and
 * leave the session exactly as it was. */
static void check_fails_atomically(Harness *h, const char *line, const char *message) {
    char *before = snapshot(h);
    int32_t nodes = graph_count(&h->s.graph);
    ck_assert_msg(!h_run(h, line), "\"%s\" succeeded", line);
    ck_assert_msg(strstr(h->err_text, message), "\"%s\": err\n%s\nlacks \"%s\"", line, h->err_text,
                  message);
    ck_assert_msg(h->out_text[0] == '\0', "\"%s\" printed \"%s\"", line, h->out_text);
    ck_assert_int_eq(graph_count(&h->s.graph), nodes);
    char *after = snapshot(h);
    ck_assert_msg(strcmp(before, after) == 0, "\"%s\" changed the session:\n%s\n---- now:\n%s",
                  line, before, after);
    free(before);
    free(after);
}

static const struct {
    const char *line;
    const char *message;
} failing_lines[] = {
    {"apple = price", "cycle: apple → apple_price → price → apple"},
    {"apple = apple + 1", "cycle: apple → apple"},
    {"apple_num = price / 2", "cycle: apple_num → apple_price → price → apple_num"},
    {"price = apple_price * (tax", "expected ')' to close the '('"},
    {"price = apple_price * tx", "undefined name 'tx'; did you mean 'tax'?"},
    {"price = apple_price * 2x", "a number runs into a name"},
    {"tax = 1e999", "number too large"},
    {"price = exp(1, 2)", "exp takes 1 argument, got 2"},
    {"exp = 3", "'exp' is a function name and cannot be assigned"},
    {"1 = apple", "only a name can be assigned to"},
    {"price = ", "expected an expression"},
    {"apple = $", "unexpected character"},
    {":del apple", "cannot delete 'apple': used by apple_price"},
    {":del tax", "cannot delete 'tax': used by price"},
    {":del nope", "undefined name 'nope'"},
    {":del", ":del needs a name"},
    {":target nope", "undefined name 'nope'"},
    {":target apple extra", "takes no more arguments"},
    {":seed 1 +", "expected an expression"},
    {":seed nope", "undefined name 'nope'"},
    {":digits 99", "digits must be a whole number from 1 to 17"},
    {":grad nope", "undefined name 'nope'"},
    {":clear now", ":clear takes no arguments"},
    {":load", ":load needs a file name"},
    {":load /nonexistent/dir/x.bp", "cannot read '/nonexistent/dir/x.bp'"},
    {":save", ":save needs a file name"},
    {":save /nonexistent/dir/x.bp", "cannot save '/nonexistent/dir/x.bp'"},
    {":nope", "unknown command ':nope'"},
    {"apple = 5 6", "unexpected a number after the expression"},
};

START_TEST(test_failure_is_atomic) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, BOOK_APPLE));
    h_run(&h, ":seed 1.5");
    check_fails_atomically(&h, failing_lines[_i].line, failing_lines[_i].message);
    h_free(&h);
}
END_TEST

START_TEST(test_cycle_message_exact) {
    Harness h;
    h_init(&h);
    h_run(&h, BOOK_APPLE);
    h.line = 0;
    ck_assert(!h_run(&h, "apple = price"));
    ck_assert_err(&h, "<test>:1:1: error: cycle: apple → apple_price → price → apple\n"
                      "    apple = price\n"
                      "    ^~~~~\n");
    h_free(&h);
}
END_TEST

/* Statements before the error on a line happen; those after do not. */
START_TEST(test_statements_before_an_error_happen) {
    Harness h;
    h_init(&h);
    h_run(&h, BOOK_APPLE);
    ck_assert(!h_run(&h, "apple = 50; price = nope; tax = 2"));
    ck_assert_out(&h, "");
    h_run(&h, "apple; tax; price");
    ck_assert_out(&h, "110\n");
    h_free(&h);
}
END_TEST

START_TEST(test_redefinition_with_error_keeps_old) {
    Harness h;
    h_init(&h);
    h_run(&h, BOOK_APPLE);
    ck_assert(!h_run(&h, "price = (apple_price * tax"));
    ck_assert(!h_run(&h, "apple_price = apple * nope"));
    h_run(&h, ":vars\nprice\n:grad");
    char expected[1024];
    snprintf(expected, sizeof expected, "%s220\n%s", BOOK_VARS, BOOK_GRAD);
    ck_assert_out(&h, expected);
    h_run(&h, "apple = 200; price");
    ck_assert_out(&h, "440\n"); /* still linked to apple */
    h_free(&h);
}
END_TEST

/* --- live updates ------------------------------------------------------------------------ */

START_TEST(test_changing_a_leaf_updates_dependents) {
    Harness h;
    h_init(&h);
    h_run(&h, BOOK_APPLE);
    h_run(&h, "apple = 150\nprice; apple_price\n:grad");
    ck_assert_out(&h, "apple = 150\n"
                      "  → price = 330\n"
                      "300\n"
                      "∂price/∂apple = 2.2\n"
                      "∂price/∂apple_num = 165\n"
                      "∂price/∂tax = 300\n");
    h_free(&h);
}
END_TEST

START_TEST(test_redefining_an_intermediate_relinks) {
    Harness h;
    h_init(&h);
    h_run(&h, BOOK_APPLE);
    h_run(&h, "apple_price = apple * apple_num + 10\nprice\n:target\n:grad");
    ck_assert_out(&h, "apple_price = 210\n  → price = 231\n231\ntarget: price\n"
                      "∂price/∂apple = 2.2\n∂price/∂apple_num = 110\n∂price/∂tax = 210\n");
    h_run(&h, ":target apple_price\n:grad");
    ck_assert_out(&h, "target: apple_price\n"
                      "∂apple_price/∂apple = 2\n∂apple_price/∂apple_num = 100\n");
    /* the new definition is live: changing its inputs updates price */
    h_run(&h, ":target price\napple_num = 3; price");
    ck_assert_out(&h, "target: price\n"
                      "341\n");
    h_free(&h);
}
END_TEST

START_TEST(test_derived_becomes_leaf_and_back) {
    Harness h;
    h_init(&h);
    h_run(&h, BOOK_APPLE);
    h_run(&h, "apple_price = 50\nprice\n:grad");
    ck_assert_out(
        &h, "apple_price = 50\nwarning: apple_price is now an input; it no longer depends on apple "
            "and apple_num\n  → price = 55\n55\n∂price/∂tax = 50\n∂price/∂apple_price = 1.1\n");
    h_run(&h, "apple = 1000; price"); /* apple no longer feeds price */
    ck_assert_out(&h, "55\n");
    h_run(&h, "rate = 1; tax = rate + 0.5\nprice\napple_price = 100; price");
    ck_assert_out(&h, "tax = 1.5\n"
                      "75\n"
                      "150\n");
    h_free(&h);
}
END_TEST

/* --- :del, :clear ---------------------------------------------------------------------------- */

START_TEST(test_del) {
    Harness h;
    h_init(&h);
    h_run(&h, "apple = 100; a2 = apple * 2; a3 = apple + 1; a4 = a2 * 3");
    h.line = 0;
    ck_assert(!h_run(&h, ":del apple"));
    ck_assert_err(&h, "<test>:1:6: error: cannot delete 'apple': used by a2, a3\n"
                      "    :del apple\n"
                      "         ^~~~~\n");
    ck_assert(h_run(&h, ":del a4\n:del a3\n:del a2\n:del apple"));
    ck_assert_out(&h, "deleted a4\ndeleted a3\ndeleted a2\ndeleted apple\n");
    h.line = 0;
    ck_assert(!h_run(&h, "apple"));
    ck_assert_err(&h, "<test>:1:1: error: undefined name 'apple'\n    apple\n    ^~~~~\n");
    h_run(&h, ":vars\napple = 7; a2 = apple - 1");
    ck_assert_out(&h, "no names yet: define one, as in apple = 100\n"
                      "a2 = 6\n");
    h_free(&h);
}
END_TEST

START_TEST(test_del_target_falls_back_to_default) {
    Harness h;
    h_init(&h);
    h_run(&h, "x = 1; y = x * 2; z = x * 3\n:target y\n:del y\n:target");
    ck_assert_out(&h, "z = 3\n"
                      "target: y\n"
                      "deleted y\n"
                      "target: z\n");
    h_free(&h);
}
END_TEST

START_TEST(test_clear) {
    Harness h;
    h_init(&h);
    h_run(&h, BOOK_APPLE);
    h_run(&h, ":digits 3\n:seed 2\n:target apple_price\n:clear\n:vars\n:digits\n:seed\n1/3");
    ck_assert_out(&h, "digits = 3\nseed = 2\ntarget: apple_price\ncleared\n"
                      "no names yet: define one, as in apple = 100\ndigits = 3\nseed = 1\n0.333\n");
    ck_assert_err(&h, "");
    ck_assert(!h_run(&h, ":target"));
    ck_assert(!h_run(&h, "price"));
    h_run(&h, "price = 3; y = price * 2\n:grad");
    ck_assert_out(&h, "y = 6\n"
                      "∂y/∂price = 2\n");
    h_free(&h);
}
END_TEST

/* --- :target, :grad ----------------------------------------------------------------------- */

START_TEST(test_default_target_is_newest_derived) {
    Harness h;
    h_init(&h);
    h_run(&h, "x = 1; y = x * 2; z = x * 3\n:target\n:grad");
    ck_assert_out(&h, "z = 3\n"
                      "target: z\n"
                      "∂z/∂x = 3\n");
    h_run(&h, "y = x * 5\n:target"); /* redefining a derived name keeps it */
    ck_assert_out(&h, "y = 5\ntarget: z\n");
    h_run(&h, "x = 4\n:target"); /* so does a leaf */
    ck_assert_out(&h, "x = 4\n  → z = 12\ntarget: z\n");
    h_run(&h, "w = 2\n:target\nw = x + 1\n:target\n:grad"); /* a leaf turned derived is newest */
    ck_assert_out(&h, "w = 2\ntarget: z\nw = 5\ntarget: w\n∂w/∂x = 1\n");
    h_run(&h, ":target z\nv = x * 7; w = x * 8\n:target\n:grad");
    ck_assert_out(&h, "target: z\n"
                      "w = 32\n"
                      "target: z\n"
                      "∂z/∂x = 3\n"); /* explicit sticks */
    h_free(&h);
}
END_TEST

START_TEST(test_grad_with_names) {
    Harness h;
    h_init(&h);
    h_run(&h, BOOK_APPLE);
    h_run(&h, "other = 5\n:grad tax apple\n:grad apple_price\n:grad other\n:grad price");
    ck_assert_out(&h,
                  "other = 5\n∂price/∂tax = 200\n∂price/∂apple = 2.2\n∂price/∂apple_price = 1.1\n"
                  "∂price/∂other = 0\n∂price/∂price = 1\n");
    h_run(&h, ":seed 2\n:grad apple");
    ck_assert_out(&h, "seed = 2\n∂L/∂apple = 4.4\n");
    h_free(&h);
}
END_TEST

/* Default: the leaves the target uses, in the order they were defined. */
START_TEST(test_grad_default_order) {
    Harness h;
    h_init(&h);
    h_run(&h, "tax = 1.1; unused = 3; apple = 100; n = 2; price = n * apple * tax\n:grad");
    ck_assert_out(&h, "price = 220\n"
                      "∂price/∂tax = 200\n"
                      "∂price/∂apple = 2.2\n"
                      "∂price/∂n = 110\n");
    h_free(&h);
}
END_TEST

/* --- :vars, :check, :graph, :help -------------------------------------------------------- */

START_TEST(test_vars) {
    Harness h;
    h_init(&h);
    h_run(&h, BOOK_APPLE);
    h_run(&h, ":vars");
    ck_assert_out(&h, BOOK_VARS);
    h_run(&h, "사과 = 3; 사과값 = -(사과 + 1)**2 * 2**-1");
    h_run(&h, ":vars");
    ck_assert_out(&h, "name         value  kind     definition\n"
                      "apple        100    leaf     \n"
                      "apple_num    2      leaf     \n"
                      "tax          1.1    leaf     \n"
                      "apple_price  200    derived  apple * apple_num\n"
                      "price        220    derived  apple_price * tax\n"
                      "사과         3      leaf     \n"
                      "사과값       -8     derived  -(사과 + 1)**2 * 2**-1\n");
    h_free(&h);
}
END_TEST

/* Each row of :check ends in "ok" when backprop and numerical agree. */
START_TEST(test_check_flags_ok) {
    Harness h;
    h_init(&h);
    h_run(&h, "apple = 100; apple_num = 2; orange = 150; orange_num = 3; tax = 1.1\n"
              "price = (apple * apple_num + orange * orange_num) * tax\n:check");
    const char *p = strstr(h.out_text, "gradient                 backprop         numerical        "
                                       "rel. error\n");
    ck_assert_msg(p != NULL, "no header in\n%s", h.out_text);
    const char *wrt[] = {"apple", "apple_num", "orange", "orange_num", "tax"};
    p = strchr(p, '\n') + 1;
    for (int i = 0; i < 5; i++) {
        const char *nl = strchr(p, '\n');
        ck_assert_ptr_nonnull(nl);
        char label[64];
        snprintf(label, sizeof label, "∂price/∂%s ", wrt[i]);
        ck_assert_msg(strncmp(p, label, strlen(label)) == 0, "row %d: %.*s", i, (int)(nl - p), p);
        ck_assert_msg(nl - p > 3 && strncmp(nl - 3, " ok", 3) == 0, "row %d: %.*s", i,
                      (int)(nl - p), p);
        p = nl + 1;
    }
    ck_assert_str_eq(p, "");
    h_free(&h);
}
END_TEST

START_TEST(test_check_flags_mismatch) {
    Harness h;
    h_init(&h);
    h_run(&h, "x = 0; y = relu(x)\n:check x");
    ck_assert_msg(strstr(h.out_text, "MISMATCH (> 1e-6)\n"), "%s", h.out_text);
    ck_assert_msg(strstr(h.out_text, "1 gradient disagrees"), "%s", h.out_text);
    h_free(&h);
}
END_TEST

/* A nan or an infinity in either gradient is no agreement: the row is
 * flagged with what each gave, and no number prints as -nan (issue 10). */
static const struct {
    const char *input, *row, *summary;
} nonfinite_checks[] = {
    {"x = -1; y = sqrt(x)\n:check",
     "∂y/∂x                    nan              nan              -          NOT FINITE: backprop "
     "gives nan, the numerical estimate nan\n",
     "1 gradient is not finite: a nan or an infinity cannot be checked"},
    {"x = 0; y = log(x)\n:check",
     "∂y/∂x                    inf              nan              -          NOT FINITE: backprop "
     "gives inf, the numerical estimate nan\n",
     "1 gradient is not finite"},
    {"v = [1, -1]; w = sum(sqrt(v))\n:check",
     "∂w/∂v                    (2)         -            -            -          NOT FINITE: "
     "backprop gives nan, the numerical estimate nan\n",
     "1 gradient is not finite"},
    {"a = 1; x = -1; y = sqrt(x) * a\n:check",
     "∂y/∂a                    nan              nan              -          NOT FINITE: backprop "
     "gives nan, the numerical estimate nan\n",
     "2 gradients are not finite"},
};

START_TEST(test_check_flags_nonfinite) {
    Harness h;
    h_init(&h);
    h_run(&h, nonfinite_checks[_i].input);
    ck_assert_msg(strstr(h.out_text, nonfinite_checks[_i].row), "%s", h.out_text);
    ck_assert_msg(strstr(h.out_text, nonfinite_checks[_i].summary), "%s", h.out_text);
    ck_assert_msg(!strstr(h.out_text, " ok\n") && !strstr(h.out_text, "-nan"), "%s", h.out_text);
    h.sink.json = true;
    ck_assert(h_run(&h, ":check"));
    ck_assert_msg(strstr(h.out_text, "\"ok\":false,\"reason\":\"backprop gives "), "%s",
                  h.out_text);
    ck_assert_msg(!strstr(h.out_text, "\"ok\":true"), "%s", h.out_text);
    h_free(&h);
}
END_TEST

/* Columns are as wide as their widest number: a 19-character gradient no
 * longer runs into the next column (issue 10's -3.67415665637e+162nan). */
START_TEST(test_check_columns_fit_their_numbers) {
    Harness h;
    h_init(&h);
    h_run(&h, "x = -1.10668192763e81\ny = x * x * x\n:check");
    ck_assert_str_eq(h.out_text, "x = -1.10668192763e+81\ny = -1.35540303455e+243\n"
                                 "gradient                 backprop           numerical          "
                                 "rel. error\n"
                                 "∂y/∂x                    3.67423466683e+162 3.67423466695e+162 "
                                 "3.2e-11    ok\n");
    h_run(&h, "a_rather_long_name_for_a_leaf = 2; z = a_rather_long_name_for_a_leaf * 3\n:check");
    ck_assert_msg(strstr(h.out_text, "gradient                          backprop         "
                                     "numerical        rel. error\n"
                                     "∂z/∂a_rather_long_name_for_a_leaf 3                3 "),
                  "%s", h.out_text);
    h_free(&h);
}
END_TEST

START_TEST(test_check_json) {
    Harness h;
    h_init(&h);
    h.sink.json = true;
    h_run(&h, "x = 10; y = 5; z = x * y\n:check y");
    const char *row =
        strstr(h.out_text, "{\"kind\":\"check\",\"of\":\"z\",\"wrt\":\"y\",\"backprop\":10,");
    ck_assert_msg(row != NULL, "%s", h.out_text);
    ck_assert_msg(strstr(row, ",\"ok\":true}\n"), "%s", row);
    h_free(&h);
}
END_TEST

START_TEST(test_graph) {
    Harness h;
    h_init(&h);
    h_run(&h, "x = 3; y = x * 2\n:graph");
    ck_assert_out(&h, "y = 6\n"
                      "id      op       inputs          value         ∂y/∂·\n"
                      "#0      leaf                     3             2             x\n"
                      "#1      const                    2             3             \n"
                      "#2      ×        #0 #1           6             1             y\n");
    h_free(&h);
}
END_TEST

/* A failed :load shows its error and nothing its earlier lines printed;
 * a good one shows all it printed. */
START_TEST(test_failed_load_prints_nothing) {
    Harness h;
    h_init(&h);
    char bad[] = "/tmp/bp_load_XXXXXX";
    int fd = mkstemp(bad);
    ck_assert(fd >= 0);
    const char *text = "a = 1\nb = a * 2\n:grad\nc = zz\n";
    ck_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    char line[64];
    snprintf(line, sizeof line, ":load %s", bad);
    ck_assert(!h_run(&h, line));
    ck_assert_out(&h, "");
    ck_assert(strstr(h.err_text, "undefined name 'zz'") && strstr(h.err_text, "failed"));
    h.sink.json = true;
    ck_assert(!h_run(&h, line));
    ck_assert_msg(strncmp(h.out_text, "{\"kind\":\"error\"", 15) == 0 &&
                      !strstr(h.out_text, "\"value\""),
                  "%s", h.out_text);
    h.sink.json = false;
    ck_assert(truncate(bad, 22) == 0); /* the file without its bad line */
    ck_assert(h_run(&h, line));
    ck_assert_out(&h, "a = 1\nb = 2\n∂b/∂a = 2\n");
    unlink(bad);
    h_free(&h);
}
END_TEST

/* Runs `:help NAME`. */
static bool h_runf_help(Harness *h, const char *name) {
    char line[64];
    snprintf(line, sizeof line, ":help %s", name);
    return h_run(h, line);
}

START_TEST(test_help_lists_commands) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, ":help"));
    int n = 0;
    for (const char *name; (name = session_command_name(&h.s, n)) != NULL; n++) {
        char usage[64];
        snprintf(usage, sizeof usage, "%s:%s ", n ? "\n  " : "  ", name);
        ck_assert_msg(strstr(h.out_text, usage), ":help lacks :%s:\n%s", name, h.out_text);
    }
    ck_assert_int_eq(n, 23);
    ck_assert(strncmp(h.out_text, "  :grad [NAME...]           gradients", 37) == 0);
    ck_assert(strstr(h.out_text, "Commands may be shortened: :g is :grad."));
    /* Every function the parser knows is listed: the op table's and dot. */
    char functions[1024];
    op_function_list(functions, sizeof functions);
    for (char *f = strtok(functions, ", "); f; f = strtok(NULL, ", ")) {
        char word[64];
        snprintf(word, sizeof word, " %s,", f);
        ck_assert_msg(strstr(h.out_text, word), ":help lacks %s:\n%s", f, h.out_text);
    }
    ck_assert(strstr(h.out_text, " dot."));
    /* :help NAME explains each argument and option, with an example. */
    for (int i = 0; session_command_name(&h.s, i); i++) {
        ck_assert(h_runf_help(&h, session_command_name(&h.s, i)));
        ck_assert_msg(strstr(h.out_text, "\n    example: :"), ":help %s:\n%s",
                      session_command_name(&h.s, i), h.out_text);
    }
    ck_assert(h_run(&h, ":help render"));
    static const char *const options[] = {"FILE",      "--forward", "--expand",   "--steps",
                                          "--of NAME", "--all",     "--no-names", "--digits N",
                                          "--force",   " - ",       "--expand=2", "--elements"};
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        ck_assert_msg(strstr(h.out_text, options[i]), ":help render lacks %s", options[i]);
    ck_assert(!h_run(&h, ":help zz"));
    ck_assert(strstr(h.err_text, "no command 'zz' (try :help)"));
    h_free(&h);
}
END_TEST

START_TEST(test_quit_stops_the_line) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "x = 1; :quit; y = 2"));
    ck_assert(h.s.quit);
    ck_assert_out(&h, "");
    ck_assert_int_eq(graph_lookup(&h.s.graph, "y", 1), NODE_NONE);
    h_free(&h);
}
END_TEST

/* --- :save and :load ------------------------------------------------------------------------- */

/* A file in the suite's scratch directory (harness.h's tmpdir). */
static void tmp_path(char *buf, size_t size, const char *name) {
    snprintf(buf, size, "%s/%s", tmpdir, name);
}

static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* Saves session a, loads the file into a fresh session b, and compares what
 * each command in `probe` prints in both. */
static void check_round_trip(Harness *a, const char *probe) {
    char path[128], line[160];
    tmp_path(path, sizeof path, "session.bp");
    snprintf(line, sizeof line, ":save %s", path);
    ck_assert_msg(h_run(a, line), "save failed: %s", a->err_text);
    Harness b;
    h_init(&b);
    snprintf(line, sizeof line, ":load %s", path);
    ck_assert_msg(h_run(&b, line), "load failed: %s", b.err_text);
    char *want = h_capture(a, probe);
    char *got = h_capture(&b, probe);
    FILE *f = fopen(path, "r");
    char script[4096] = "";
    if (f) {
        script[fread(script, 1, sizeof script - 1, f)] = '\0';
        fclose(f);
    }
    ck_assert_msg(strcmp(want, got) == 0, "saved:\n%s\nloaded:\n%s\nscript:\n%s", want, got,
                  script);
    free(want);
    free(got);
    h_free(&b);
}

START_TEST(test_save_load_round_trip) {
    Harness a;
    h_init(&a);
    ck_assert(h_run(&a, BOOK_APPLE));
    ck_assert(h_run(&a, "사과 = 3\n"
                        "apple_num = 3\n"                       /* a leaf redefined */
                        "apple_price = apple * apple_num * 1\n" /* an intermediate redefined */
                        "x = 0.1; y = -2.5\n"
                        "f = -(x - -2)**-1 * exp(-0.5 * y**2) / (사과 + 1)**2 - 2**3**2 + "
                        "sigmoid(-x) * (x + y)**2\n"
                        "g = -(3) * x + -x**2 + (x * y)**(-1) - (x - (y - 사과)) / (x / y)\n"
                        "h = tanh(x) * sqrt(사과) + log(apple) - relu(y) + sin(x) * cos(y)\n"
                        "k = f * g * h + price\n"
                        ":seed 1.3\n"
                        ":target price"));
    check_round_trip(&a, ":vars\n:target\n:seed\n:digits\n:grad\n:target f\n:grad\n:target g\n"
                         ":grad\n:target k\n:grad\n:digits 17\n:vars\n:grad");
    h_free(&a);
}
END_TEST

/* Smaller round trips, each about one thing :save must keep. */
static const struct {
    const char *why, *setup, *probe;
} round_trips[] = {
    {"settings", "x = 2; y = x * x; z = y + 1\n:target y\n:seed -0.25\n:digits 5",
     ":target\n:seed\n:digits\n:grad\n1/3"},
    /* Redefining an early name in terms of a later one (x = y * 3): :vars
     * lists names in order of first definition, so the loaded session must. */
    {"name order", "x = 1; y = 2; z = x + y\nx = y * 3", ":vars"},
    /* ... and x, a leaf turned derived, is the newest: the default target. */
    {"default target", "x = 1; y = 2; z = x + y\nx = y * 3", ":target\n:grad"},
    /* A negative constant as the base of a power: (-2)**x is 4 for x = 2. */
    {"negative base", "x = 2; z = (-2)**x; w = (-0.5)**2 * x", ":vars\n:grad"},
    /* A leaf may hold inf or nan: saving must not make an unloadable file. */
    {"infinite leaf", "big = 1e308 * 10; x = 1; y = x * 2", ":vars\n:grad"},
};

START_TEST(test_save_load_cases) {
    Harness a;
    h_init(&a);
    ck_assert_msg(h_run(&a, round_trips[_i].setup), "%s: setup failed", round_trips[_i].why);
    check_round_trip(&a, round_trips[_i].probe);
    h_free(&a);
}
END_TEST

START_TEST(test_save_output) {
    Harness a;
    h_init(&a);
    char path[128], line[160];
    tmp_path(path, sizeof path, "out.bp");
    h_run(&a, "apple = 100; price = apple * 1.1");
    snprintf(line, sizeof line, ":save %s", path);
    ck_assert(h_run(&a, line));
    char expected[256];
    snprintf(expected, sizeof expected, "saved %s\n", path);
    ck_assert_out(&a, expected);
    a.sink.json = true;
    ck_assert(h_run(&a, line));
    snprintf(expected, sizeof expected, "{\"kind\":\"saved\",\"file\":\"%s\"}\n", path);
    ck_assert_out(&a, expected);
    h_free(&a);
}
END_TEST

/* :quiet is a display setting like :digits: :save records it when on, and
 * :load brings it back. */
START_TEST(test_save_records_quiet) {
    Harness a, b;
    h_init(&a);
    h_init(&b);
    char path[128], line[160];
    tmp_path(path, sizeof path, "quiet.bp");
    snprintf(line, sizeof line, ":save %s", path);
    ck_assert(h_run(&a, "x = 1"));
    ck_assert(h_run(&a, line));
    char *text = h_read_file(path);
    ck_assert(text && !strstr(text, ":quiet"));
    free(text);
    ck_assert(h_run(&a, ":quiet on"));
    ck_assert(h_run(&a, line));
    text = h_read_file(path);
    ck_assert(text && strstr(text, "\n:quiet on\n"));
    free(text);
    snprintf(line, sizeof line, ":load %s", path);
    ck_assert(h_run(&b, line));
    ck_assert(b.s.quiet);
    ck_assert_out(&b, "x = 1\nquiet = on\n"); /* settings come last in a saved script */
    h_free(&a);
    h_free(&b);
}
END_TEST

/* :load replaces the session: names not in the file are gone. */
START_TEST(test_load_replaces) {
    Harness a;
    h_init(&a);
    char path[128], line[160];
    tmp_path(path, sizeof path, "small.bp");
    write_text(path, "# a comment\nb = 2\n\nc = b * 5\n");
    h_run(&a, "a = 1; d = a * 2");
    snprintf(line, sizeof line, ":load %s", path);
    ck_assert(h_run(&a, line));
    ck_assert_out(&a, "b = 2\nc = 10\n");
    h_run(&a, ":vars\n:target");
    ck_assert_out(&a, "name  value  kind     definition\n"
                      "b     2      leaf     \n"
                      "c     10     derived  b * 5\n"
                      "target: c\n");
    ck_assert(!h_run(&a, "a"));
    h_free(&a);
}
END_TEST

static const struct {
    const char *what;
    const char *file; /* contents */
    const char *message;
} bad_files[] = {
    {"a syntax error on the last line", "b = 2\nc = b * (5\n", "expected ')'"},
    {"an undefined name", "b = 2\nc = nope\nd = 1\n", "undefined name 'nope'"},
    {"a cycle", "b = 2\nc = b * 2\nb = c\n", "cycle: b → c → b"},
    {"a bad command", "b = 2\n:digits 0\n", "digits must be"},
    {"an unknown command", "b = 2\n:frobnicate\n", "unknown command"},
};

START_TEST(test_load_failure_leaves_session) {
    Harness a;
    h_init(&a);
    char path[128], line[160];
    tmp_path(path, sizeof path, "bad.bp");
    write_text(path, bad_files[_i].file);
    h_run(&a, BOOK_APPLE);
    h_run(&a, ":target apple_price\n:seed 3");
    char *before = snapshot(&a);
    snprintf(line, sizeof line, ":load %s", path);
    ck_assert(!h_run(&a, line));
    ck_assert_msg(strstr(a.err_text, bad_files[_i].message), "%s: %s", bad_files[_i].what,
                  a.err_text);
    char failed[256];
    snprintf(failed, sizeof failed, "error: loading '%s' failed; the session is unchanged", path);
    ck_assert_msg(strstr(a.err_text, failed), "%s: %s", bad_files[_i].what, a.err_text);
    char *after = snapshot(&a);
    ck_assert_msg(strcmp(before, after) == 0, "%s: session changed:\n%s\n---- now:\n%s",
                  bad_files[_i].what, before, after);
    free(before);
    free(after);
    h_free(&a);
}
END_TEST

START_TEST(test_load_itself_stops) {
    Harness a;
    h_init(&a);
    char path[128], line[160], text[200];
    tmp_path(path, sizeof path, "loop.bp");
    snprintf(text, sizeof text, "x = 1\n:load %s\n", path);
    write_text(path, text);
    h_run(&a, "keep = 5");
    snprintf(line, sizeof line, ":load %s", path);
    ck_assert(!h_run(&a, line));
    ck_assert_msg(strstr(a.err_text, ":load nested more than 16 deep"), "%s", a.err_text);
    h_run(&a, ":vars");
    ck_assert_out(&a, "name  value  kind     definition\nkeep  5      leaf     \n");
    h_free(&a);
}
END_TEST

static Suite *session_suite(void) {
    Suite *s = suite_create("session");
    TCase *tc = tcase_create("transcripts");
    tcase_add_loop_test(tc, test_transcript, 0, sizeof transcripts / sizeof transcripts[0]);
    tcase_add_test(tc, test_run_line_results);
    tcase_add_test(tc, test_session_target_api);
    tcase_add_test(tc, test_trace_long_sum);
    suite_add_tcase(s, tc);

    tc = tcase_create("atomicity");
    tcase_add_loop_test(tc, test_failure_is_atomic, 0,
                        sizeof failing_lines / sizeof failing_lines[0]);
    tcase_add_test(tc, test_cycle_message_exact);
    tcase_add_test(tc, test_statements_before_an_error_happen);
    tcase_add_test(tc, test_redefinition_with_error_keeps_old);
    suite_add_tcase(s, tc);

    tc = tcase_create("updates");
    tcase_add_test(tc, test_changing_a_leaf_updates_dependents);
    tcase_add_test(tc, test_redefining_an_intermediate_relinks);
    tcase_add_test(tc, test_derived_becomes_leaf_and_back);
    tcase_add_test(tc, test_del);
    tcase_add_test(tc, test_del_target_falls_back_to_default);
    tcase_add_test(tc, test_clear);
    suite_add_tcase(s, tc);

    tc = tcase_create("commands");
    tcase_add_test(tc, test_default_target_is_newest_derived);
    tcase_add_test(tc, test_grad_with_names);
    tcase_add_test(tc, test_grad_default_order);
    tcase_add_test(tc, test_vars);
    tcase_add_test(tc, test_check_flags_ok);
    tcase_add_test(tc, test_check_flags_mismatch);
    tcase_add_test(tc, test_check_json);
    tcase_add_loop_test(tc, test_check_flags_nonfinite, 0,
                        sizeof nonfinite_checks / sizeof nonfinite_checks[0]);
    tcase_add_test(tc, test_check_columns_fit_their_numbers);
    tcase_add_test(tc, test_graph);
    tcase_add_test(tc, test_help_lists_commands);
    tcase_add_test(tc, test_failed_load_prints_nothing);
    tcase_add_test(tc, test_quit_stops_the_line);
    suite_add_tcase(s, tc);

    tc = tcase_create("save_load");
    tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_test(tc, test_save_load_round_trip);
    tcase_add_loop_test(tc, test_save_load_cases, 0, sizeof round_trips / sizeof round_trips[0]);
    tcase_add_test(tc, test_save_output);
    tcase_add_test(tc, test_save_records_quiet);
    tcase_add_test(tc, test_load_replaces);
    tcase_add_loop_test(tc, test_load_failure_leaves_session, 0,
                        sizeof bad_files / sizeof bad_files[0]);
    tcase_add_test(tc, test_load_itself_stops);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(session_suite)
