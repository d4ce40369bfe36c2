/* check_main.h - the main() every Check suite file ends with:
 *
 *     CHECK_MAIN(lexer_suite)
 *
 * runs the suite (forking each test, so a crash fails one test, not all)
 * and exits non-zero if any test failed.
 *
 * No test has a time limit: Check's (4 s unless a test case sets one) fails
 * a correct test on a slower or busier machine, and whether a test passes
 * must not depend on the machine's speed. A hang is still caught, by
 * ctest's own timeout, which only a hang reaches. CK_DEFAULT_TIMEOUT in the
 * environment still wins, for hunting a hang by hand. */
#ifndef BP_CHECK_MAIN_H
#define BP_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

#define CHECK_MAIN(make_suite)                                                                     \
    int main(void) {                                                                               \
        setenv("CK_DEFAULT_TIMEOUT", "0", 0); /* read as each test case is made */                 \
        SRunner *sr = srunner_create(make_suite());                                                \
        srunner_run_all(sr, CK_NORMAL);                                                            \
        int failed = srunner_ntests_failed(sr);                                                    \
        srunner_free(sr);                                                                          \
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;                                          \
    }

#endif
