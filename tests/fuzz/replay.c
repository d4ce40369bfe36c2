/* replay.c - runs a fuzz target's LLVMFuzzerTestOneInput on saved inputs,
 * without libFuzzer, so ordinary builds and ctest keep every crash the
 * fuzzers ever found fixed:
 *
 *     replay_session tests/fuzz/regressions/session tests/fuzz/corpus
 *
 * Each argument is a file or a directory of files (not recursive; dotfiles
 * and README files are skipped). A crash
 * or a sanitizer report fails the run; so does finding no input at all,
 * since a replay that reads nothing proves nothing.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feeds the file at path to the target; false if it cannot be read. */
static int replay_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 0;
    }
    uint8_t *data = NULL;
    size_t size = 0, cap = 0;
    for (;;) {
        if (size == cap) {
            cap = cap ? cap * 2 : 4096;
            uint8_t *grown = realloc(data, cap);
            if (!grown) abort();
            data = grown;
        }
        size_t n = fread(data + size, 1, cap - size, f);
        if (n == 0) break;
        size += n;
    }
    fclose(f);
    printf("replay %s (%zu bytes)\n", path, size);
    fflush(stdout);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 1;
}

int main(int argc, char **argv) {
    int files = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            return EXIT_FAILURE;
        }
        if (!S_ISDIR(st.st_mode)) {
            if (!replay_file(argv[i])) return EXIT_FAILURE;
            files++;
            continue;
        }
        DIR *dir = opendir(argv[i]);
        if (!dir) {
            perror(argv[i]);
            return EXIT_FAILURE;
        }
        for (struct dirent *e; (e = readdir(dir));) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            if (e->d_name[0] == '.' || strcmp(e->d_name, "README") == 0 || stat(path, &st) != 0 ||
                !S_ISREG(st.st_mode))
                continue;
            if (!replay_file(path)) return EXIT_FAILURE;
            files++;
        }
        closedir(dir);
    }
    printf("%d inputs replayed\n", files);
    return files > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
