/* quiz_symbolic.h - is a symbolic answer the figure's label? (:quiz
 * --symbolic; quiz_symbolic.c says what spellings it reads). In C:
 *
 *     char why[256];
 *     int same = quiz_sym_same("∂L/∂z · y", "dL/dz*y", NULL, why, sizeof why); // 1
 *     same = quiz_sym_same("∂L/∂y · y(1-y)", "dLdy*(y - y^2)", NULL, why, sizeof why); // 1
 *     same = quiz_sym_same("∂L/∂z · y", "x", NULL, why, sizeof why); // 0
 *     same = quiz_sym_same("∂L/∂price · tax · n", "dL/dall * n", // 1: all = price's input
 *                          "dL_dall = dL_dprice * tax\n", why, sizeof why);
 */
#ifndef BP_QUIZ_SYMBOLIC_H
#define BP_QUIZ_SYMBOLIC_H

#include <stdbool.h>
#include <stddef.h>

#include "../graph/strbuf.h"
#include "session.h"

/* Rewrites a label or an answer into the session's language ("∂L/∂z · y²"
 * is "dL_dz*y^2"). False for text that names an upstream it cannot spell. */
bool quiz_sym_rewrite(const char *text, StrBuf *out);

/* 1 if given evaluates as expected does at every one of 5 points (each
 * name a random number in [0.5, 2], the same points every time; points
 * where either is not finite are drawn again), to a relative 1e-6; 0 if
 * not; -1 if either cannot be evaluated (why says why: a syntax error).
 * defs (NULL: none): lines `dL_dNAME = ...` in the language, run after the
 * random values, which make an intermediate's upstream symbol mean what
 * the figure says it is, so ∂L/∂apple_price · apple_num is right where the
 * figure writes ∂L/∂price · tax · apple_num. */
int quiz_sym_same(const char *expected, const char *given, const char *defs, char *why,
                  size_t size);

#endif
