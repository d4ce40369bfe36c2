/* test_quiz.c - :quiz, the book's exercise at the prompt.
 *
 * Covers: the backward quiz on the apple example with a right answer, an
 * expression, a wrong one (hint), two wrong ones (the step worked out), a
 * skip and the score; the forward quiz and its tolerance (3 significant
 * digits); an input used more than once (its links numbered, then its
 * gradient in all); JSON rows; a definition refused while a quiz runs; a
 * change to the graph ending the quiz; errors; and :quiz new: the same seed
 * gives the same exercise, and every answer of 100 generated exercises per
 * level has at most 4 significant digits.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "digits.h"
#include "harness.h"
#include "repl/quiz_symbolic.h"

static const char *const APPLE = "apple = 100; apple_num = 2; tax = 1.1\n"
                                 "apple_price = apple * apple_num\n"
                                 "price = apple_price * tax";

static const struct {
    const char *what;
    bool json;
    const char *input; /* after APPLE */
    const char *out;
    const char *err;
} transcripts[] = {
    {"backward: right, hint, worked out, expression, skip", false,
     ":quiz\n1.1\n100\n2\n3\n2 * 1.1\n:quiz skip",
     "quiz: the backward pass of price, 4 questions, from the output back\n"
     "answer with a number or an expression (2 * 1.1); :quiz skip, :quiz stop\n"
     "step 1: price = apple_price * tax   (mul node)\n"
     "  ∂price/∂apple_price = ?\n"
     "  right\n"
     "  ∂price/∂tax = ?\n"
     "  not yet. hint: upstream ∂price/∂price = 1, local ∂price/∂tax = 200\n"
     "  ∂price/∂tax = ?\n"
     "  not quite: 1 × 200 = 200 flows back to tax\n"
     "step 2: apple_price = apple * apple_num   (mul node)\n"
     "  ∂price/∂apple = ?\n"
     "  not yet. hint: upstream ∂price/∂apple_price = 1.1, local ∂apple_price/∂apple = 2\n"
     "  ∂price/∂apple = ?\n"
     "  right\n"
     "  ∂price/∂apple_num = ?\n"
     "  skipped: ∂price/∂apple_num = 110\n"
     "score: 2 of 4 right (1 after a hint), 1 worked out, 1 skipped\n",
     ""},
    {"forward, names in an answer", false, ":quiz forward\napple * apple_num\n220",
     "quiz: the forward pass of price, 2 questions, from the inputs on\n"
     "answer with a number or an expression (2 * 1.1); :quiz skip, :quiz stop\n"
     "step 1: apple_price = apple * apple_num   (mul node)\n"
     "  apple_price = ?\n"
     "  right\n"
     "step 2: price = apple_price * tax   (mul node)\n"
     "  price = ?\n"
     "  right\n"
     "score: 2 of 2 right\n",
     ""},
    {"forward: 3 significant digits are enough, 2 are not", false,
     "x = -1; y = exp(x)\n:quiz forward\n0.37\n0.368",
     "y = 0.367879441171\n"
     "quiz: the forward pass of y, 1 question, from the inputs on\n"
     "answer with a number or an expression (2 * 1.1); :quiz skip, :quiz stop\n"
     "step 1: y = exp(x)   (exp node)\n"
     "  y = ?\n"
     "  not yet. hint: the inputs: x = -1\n"
     "  y = ?\n"
     "  right\n"
     "score: 1 of 1 right (1 after a hint)\n",
     ""},
    {"an input used three times: each link, then the sum", false,
     "x = 3; y = x * x + x\n:quiz\n1\n1\n3\n3\n7",
     "y = 12\n"
     "quiz: the backward pass of y, 5 questions, from the output back\n"
     "answer with a number or an expression (2 * 1.1); :quiz skip, :quiz stop\n"
     "step 1: y = x * x + x   (add node)\n"
     "  ∂y/∂(x * x) = ?\n"
     "  right\n"
     "  ∂y/∂x along link 1 of 3 (from y) = ?\n"
     "  right\n"
     "step 2: (x * x)   (mul node)\n"
     "  ∂y/∂x along link 2 of 3 (from (x * x)) = ?\n"
     "  right\n"
     "  ∂y/∂x along link 3 of 3 (from (x * x)) = ?\n"
     "  right\n"
     "  ∂y/∂x in all = ?\n"
     "  right\n"
     "score: 5 of 5 right\n",
     ""},
    {"JSON rows", true, ":quiz\n1.1\n3\n:quiz stop",
     "{\"kind\":\"quiz\",\"of\":\"price\",\"pass\":\"backward\",\"questions\":4,"
     "\"answers\":\"numbers\"}\n"
     "{\"kind\":\"question\",\"number\":1,\"step\":\"step 1: price = apple_price * tax   (mul "
     "node)\",\"ask\":\"∂price/∂apple_price\",\"answers\":\"numbers\"}\n"
     "{\"kind\":\"right\",\"number\":1,\"given\":1.1}\n"
     "{\"kind\":\"question\",\"number\":2,\"step\":null,\"ask\":\"∂price/∂tax\","
     "\"answers\":\"numbers\"}\n"
     "{\"kind\":\"hint\",\"number\":2,\"given\":3,\"text\":\"upstream ∂price/∂price = 1, local "
     "∂price/∂tax = 200\"}\n"
     "{\"kind\":\"question\",\"number\":2,\"step\":null,\"ask\":\"∂price/∂tax\","
     "\"answers\":\"numbers\"}\n"
     "{\"kind\":\"score\",\"right\":1,\"hinted\":0,\"worked\":0,\"skipped\":0,\"questions\":4,"
     "\"stopped\":\"you stopped it\"}\n",
     ""},
    {"a definition is refused while a quiz runs, and changes nothing", false,
     ":quiz\nprice = 3\n:quiz stop\nprice",
     "quiz: the backward pass of price, 4 questions, from the output back\n"
     "answer with a number or an expression (2 * 1.1); :quiz skip, :quiz stop\n"
     "step 1: price = apple_price * tax   (mul node)\n"
     "  ∂price/∂apple_price = ?\n"
     "quiz stopped after 0 of 4 questions (you stopped it)\n"
     "score: 0 of 4 right\n"
     "220\n",
     "<test>:5:1: error: while a quiz runs, a line is an answer, not a definition"},
    {"a change to the graph ends the quiz", false, ":quiz\n1.1\n:seed 2",
     "quiz: the backward pass of price, 4 questions, from the output back\n"
     "answer with a number or an expression (2 * 1.1); :quiz skip, :quiz stop\n"
     "step 1: price = apple_price * tax   (mul node)\n"
     "  ∂price/∂apple_price = ?\n"
     "  right\n"
     "  ∂price/∂tax = ?\n"
     "seed = 2\n"
     "quiz stopped after 1 of 4 questions (the graph changed)\n"
     "score: 1 of 4 right\n",
     ""},
    {"an answer that is not a number", false, ":quiz\n[1, 2]\n:quiz stop",
     "quiz: the backward pass of price, 4 questions, from the output back\n"
     "answer with a number or an expression (2 * 1.1); :quiz skip, :quiz stop\n"
     "step 1: price = apple_price * tax   (mul node)\n"
     "  ∂price/∂apple_price = ?\n"
     "quiz stopped after 0 of 4 questions (you stopped it)\n"
     "score: 0 of 4 right\n",
     "<test>:5:1: error: an answer is one number or an expression of numbers and names"},
    {"skip without a quiz", false, ":quiz skip", "",
     "<test>:4:7: error: no quiz is running (:quiz starts one)"},
    {"a quiz while one runs", false, ":quiz\n:quiz forward",
     "quiz: the backward pass of price, 4 questions, from the output back\n"
     "answer with a number or an expression (2 * 1.1); :quiz skip, :quiz stop\n"
     "step 1: price = apple_price * tax   (mul node)\n"
     "  ∂price/∂apple_price = ?\n",
     "<test>:5:1: error: a quiz is running: answer it, or :quiz skip, :quiz stop"},
    {"an unknown argument", false, ":quiz back", "", "<test>:4:7: error: unknown :quiz argument"},
    {"symbolic: the figure's labels, in any spelling; a hint, then worked out", false,
     ":quiz --symbolic\ndL/dprice * tax\n∂L/∂price·apple_price\ndLdapple_price × apple_num\n"
     "apple\nq",
     "quiz: the backward pass of price, 4 questions, from the output back\n"
     "answer in the names, as the book labels the red arrows (∂L/∂y · 2x, dL/dy * 2*x); :quiz "
     "skip, :quiz stop\n"
     "step 1: price = apple_price * tax   (mul node)\n"
     "  ∂L/∂apple_price = ?\n"
     "  right\n"
     "  ∂L/∂tax = ?\n"
     "  right\n"
     "step 2: apple_price = apple * apple_num   (mul node)\n"
     "  ∂L/∂apple = ?\n"
     "  right\n"
     "  ∂L/∂apple_num = ?\n"
     "  not yet. hint: upstream ∂L/∂price · tax, times the mul node's local derivative with "
     "respect to apple_num\n"
     "  ∂L/∂apple_num = ?\n"
     "  not quite: ∂L/∂price · tax · apple flows back to apple_num\n"
     "score: 3 of 4 right, 1 worked out\n",
     ""},
    {"symbolic: what cannot be read counts for nothing", false,
     ":quiz --symbolic\ndL/dprice * (tax\n:quiz stop",
     "quiz: the backward pass of price, 4 questions, from the output back\n"
     "answer in the names, as the book labels the red arrows (∂L/∂y · 2x, dL/dy * 2*x); :quiz "
     "skip, :quiz stop\n"
     "step 1: price = apple_price * tax   (mul node)\n"
     "  ∂L/∂apple_price = ?\n"
     "quiz stopped after 0 of 4 questions (you stopped it)\n"
     "score: 0 of 4 right\n",
     "<test>:5:1: error: cannot read that as an expression in the names"},
    {"symbolic JSON rows say the answers are symbols", true,
     ":quiz --symbolic\n:quiz skip\n:quiz stop",
     "{\"kind\":\"quiz\",\"of\":\"price\",\"pass\":\"backward\",\"questions\":4,"
     "\"answers\":\"symbolic\"}\n"
     "{\"kind\":\"question\",\"number\":1,\"step\":\"step 1: price = apple_price * tax   (mul "
     "node)\",\"ask\":\"∂L/∂apple_price\",\"answers\":\"symbolic\"}\n"
     "{\"kind\":\"skipped\",\"number\":1,\"answer\":\"∂L/∂price · tax\"}\n"
     "{\"kind\":\"question\",\"number\":2,\"step\":null,\"ask\":\"∂L/∂tax\","
     "\"answers\":\"symbolic\"}\n"
     "{\"kind\":\"score\",\"right\":0,\"hinted\":0,\"worked\":0,\"skipped\":1,\"questions\":4,"
     "\"stopped\":\"you stopped it\"}\n",
     ""},
    {"tensors are refused", false, "X = [1, 2]; L = sum(X * X)\n:quiz", "L = 5\n",
     "<test>:5:1: error: the quiz asks for numbers, and L's graph has tensors"},
    {"new needs an empty session", false, ":quiz new easy", "",
     "<test>:4:1: error: :quiz new builds its exercise in an empty session: :clear first"},
    {"new with a bad seed", false, ":clear\n:quiz new hard seed=-3", "cleared\n",
     "<test>:5:21: error: :quiz new takes a level (easy, medium, hard) and seed=N"},
};

/* quiz_sym_same: the spellings people type, against the book's labels. */
static const struct {
    const char *expected, *given;
    int same;
    const char *defs;
} spellings[] = {
    {"∂L/∂z · y", "dL/dz * y", 1, NULL},
    {"∂L/∂z · y", "dLdz*y", 1, NULL},
    {"∂L/∂z · y", "∂L/∂z · y", 1, NULL},
    {"∂L/∂z · y", "y × ∂L/∂z", 1, NULL},
    {"∂L/∂z · y", "dL/dz * x", 0, NULL},
    {"∂L/∂z · 1", "dL/dz", 1, NULL},
    {"- ∂L/∂y · y²", "-dL/dy*y^2", 1, NULL},
    {"- ∂L/∂y · y²", "−dLdy·y**2", 1, NULL},
    {"- ∂L/∂y · y²", "dL/dy*y^2", 0, NULL},
    {"∂L/∂y · y(1-y)", "dL/dy * (y - y²)", 1, NULL},
    {"∂L/∂y · y(1-y)", "dLdy y(1-y)", 1, NULL},
    {"∂L/∂y · y² · exp(-x)", "dL/dy*y^2*exp(-x)", 1, NULL},
    {"∂L/∂y · y² · exp(-x)", "dL/dy*y^2*exp(x)", 0, NULL},
    {"∂L/∂z · 2x", "dL/dz*2*x", 1, NULL},
    {"∂L/∂z · y", "dL/dz * (y", -1, NULL},
    {"∂L/∂z · y", "", -1, NULL},
    /* an intermediate's upstream, defined as the figure writes it */
    {"∂L/∂price · tax · n", "dL/dall * n", 1, "dL_dall = dL_dprice * tax\n"},
    {"∂L/∂price · tax · n", "dL/dall * tax", 0, "dL_dall = dL_dprice * tax\n"},
    {"∂L/∂price · tax · n", "dL/dall * n", 0, NULL},
};

START_TEST(test_symbolic_spellings) {
    char why[256];
    int got = quiz_sym_same(spellings[_i].expected, spellings[_i].given, spellings[_i].defs, why,
                            sizeof why);
    ck_assert_msg(got == spellings[_i].same, "'%s' against '%s': %d, not %d (%s)",
                  spellings[_i].given, spellings[_i].expected, got, spellings[_i].same, why);
}
END_TEST

START_TEST(test_transcript) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, APPLE));
    h.sink.json = transcripts[_i].json;
    h_run(&h, transcripts[_i].input);
    h_expect(&h, transcripts[_i].what, transcripts[_i].out, transcripts[_i].err);
    h_free(&h);
}
END_TEST

/* What `:quiz new LEVEL seed=SEED` prints, then every answer by skipping. */
static char *exercise(const char *level, int seed) {
    Harness h;
    h_init(&h);
    char line[64];
    snprintf(line, sizeof line, ":quiz new %s seed=%d", level, seed);
    ck_assert_msg(h_run(&h, line), "%s: %s", line, h.err_text);
    size_t size = strlen(h.out_text) + 1;
    char *all = malloc(size);
    ck_assert(all);
    memcpy(all, h.out_text, size);
    while (h.s.quiz) {
        ck_assert(h_run(&h, ":quiz skip"));
        size += strlen(h.out_text);
        all = realloc(all, size);
        ck_assert(all);
        strcat(all, h.out_text);
    }
    h_free(&h);
    return all;
}

START_TEST(test_new_is_reproducible_and_short) {
    static const char *const levels[] = {"easy", "medium", "hard"};
    const char *level = levels[_i];
    char *first = exercise(level, 17), *again = exercise(level, 17);
    ck_assert_str_eq(first, again);
    ck_assert_msg(strstr(first, "score: 0 of") != NULL, "%s", first);
    free(first);
    free(again);
    bool differs = false;
    char *previous = NULL;
    for (int seed = 0; seed < 100; seed++) {
        char *text = exercise(level, seed);
        /* The values the exercise defines ("price = 1036.8") and the
         * answers the skips show ("  skipped: ∂price/∂tax = 960"). */
        int answers = 0, values = 0;
        for (const char *line = text; line;
             line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
            const char *eq = strstr(line, " = ");
            const char *end = strchr(line, '\n');
            bool skipped = strncmp(line, "  skipped: ", 11) == 0;
            if (!eq || (end && eq > end) ||
                (!skipped && strchr("abcdefghijklmnopqrstuvwxyz", *line) == NULL))
                continue;
            ck_assert_msg(significant_digits(eq + 3) <= 4, "seed %d: %.60s", seed, line);
            answers += skipped;
            values += !skipped;
        }
        ck_assert_msg(answers >= 4 && values >= 5, "seed %d: %s", seed, text);
        differs |= previous && strcmp(previous, text) != 0;
        free(previous);
        previous = text;
    }
    free(previous);
    ck_assert_msg(differs, "every seed gave the same %s exercise", level);
}
END_TEST

static Suite *quiz_suite(void) {
    Suite *s = suite_create("quiz");
    TCase *tc = tcase_create("quiz");
    tcase_add_loop_test(tc, test_transcript, 0, sizeof transcripts / sizeof transcripts[0]);
    tcase_add_loop_test(tc, test_symbolic_spellings, 0, sizeof spellings / sizeof spellings[0]);
    tcase_add_loop_test(tc, test_new_is_reproducible_and_short, 0, 3);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(quiz_suite)
