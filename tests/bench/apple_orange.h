/* apple_orange.h - the book's apple-and-orange graph (figure 5-15, 15 nodes),
 * one statement per line: the figure the render benchmarks time.
 *
 *     for (size_t i = 0; i < APPLE_ORANGE_LINES; i++)
 *         session_run_line(&s, "<bench>", 1, APPLE_ORANGE[i], strlen(APPLE_ORANGE[i]));
 */
#ifndef BP_BENCH_APPLE_ORANGE_H
#define BP_BENCH_APPLE_ORANGE_H

static const char *const APPLE_ORANGE[] = {"apple = 100",
                                           "apple_num = 2",
                                           "orange = 150",
                                           "orange_num = 3",
                                           "tax = 1.1",
                                           "apple_price = apple * apple_num",
                                           "orange_price = orange * orange_num",
                                           "all_price = apple_price + orange_price",
                                           "price = all_price * tax"};

enum { APPLE_ORANGE_LINES = sizeof APPLE_ORANGE / sizeof APPLE_ORANGE[0] };

#endif
