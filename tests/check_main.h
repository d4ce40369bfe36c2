/* check_main.h - the main() every Check suite file ends with:
 *
 *     CHECK_MAIN(lexer_suite)
 *
 * runs the suite (forking each test, so a crash fails one test, not all)
 * and exits non-zero if any test failed. */
#ifndef BP_CHECK_MAIN_H
#define BP_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

#define CHECK_MAIN(make_suite)                                                                     \
    int main(void) {                                                                               \
        SRunner *sr = srunner_create(make_suite());                                                \
        srunner_run_all(sr, CK_NORMAL);                                                            \
        int failed = srunner_ntests_failed(sr);                                                    \
        srunner_free(sr);                                                                          \
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;                                          \
    }

#endif
