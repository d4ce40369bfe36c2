/* quiz.h - :quiz, the book's exercise 5-15 at the prompt: the backward (or
 * forward) pass asked one link at a time, each answer checked.
 *
 *     bp> :quiz
 *     quiz: the backward pass of price, 4 questions, from the output back
 *     answer with a number or an expression (2 * 1.1); :quiz skip, :quiz stop
 *     step 1: price = apple_price * tax   (mul node)
 *       ∂price/∂apple_price = ?
 *     bp> 1.1
 *       right
 *       ∂price/∂tax = ?
 *     bp> 100
 *       not yet. hint: upstream ∂price/∂price = 1, local ∂price/∂tax = 200
 *       ∂price/∂tax = ?
 *
 * While a quiz runs, a line that is not a command is an answer: the session
 * hands it to session_quiz_answer instead of running it. The questions and
 * their answers are fixed when the quiz starts; a line that changes the
 * graph or the seed ends the quiz (session_quiz_end), so an answer is never
 * checked against numbers the graph no longer has.
 */
#ifndef BP_QUIZ_H
#define BP_QUIZ_H

#include <stdbool.h>
#include <stddef.h>

#include "command.h"

typedef struct Quiz Quiz;

/* :quiz [forward | skip | stop | new [easy|medium|hard] [seed=N]] */
bool cmd_quiz(Command *c);

/* Checks one line typed while s->quiz runs: an expression (names allowed)
 * whose value is compared with the answer to 3 significant digits. Prints
 * the verdict, a hint after a first wrong answer, the step worked out after
 * a second, then the next question or the score. A line that is not an
 * expression is reported (file:line:col) and counts for nothing. Returns
 * false only for such a line. */
bool session_quiz_answer(Session *s, const char *file, int line, const char *text, size_t len);

/* Ends the running quiz, saying why ("the graph changed"), with its score. */
void session_quiz_end(Session *s, const char *why);

/* Frees a quiz and everything it holds; NULL is fine. */
void quiz_free(Quiz *q);

#endif
