/* notes.h - Markdown lecture notes that run themselves: backprop --notes.
 *
 * Fenced code blocks whose info string starts with `bp` run in one
 * session, top to bottom. Right after each block the runner writes what
 * the block printed (a fenced text block), the figures its :render
 * commands drew (Markdown images, paths relative to the notes) and the
 * text of its :mermaid commands (a ```mermaid block), between two HTML
 * comments, so that running again replaces exactly that part:
 *
 *     ```bp
 *     apple = 100; price = apple * 2.2
 *     :render apple.svg
 *     ```
 *     <!-- backprop:begin (made by backprop --notes: edits here are replaced) -->
 *     ```text
 *     apple = 100
 *     price = 220
 *     ```
 *     ![apple.svg](apple.svg)
 *     <!-- backprop:end -->
 *
 * In C:
 *
 *     NotesOptions o = {.path = "lesson.md"};   // .out: elsewhere; .check: compare only
 *     int status = notes_run(&o, stderr);       // 0; 1: failed or (check) out of date
 *
 * Options after `bp`: `silent` (the block runs, nothing is written after
 * it) and `fails` (the block must fail; its error is shown as the REPL
 * shows it). Code the notes should not show goes in an HTML comment that
 * starts `<!-- bp` (options may follow) and ends with `-->` on a line of
 * its own: it runs like a block, and only its output appears. Markdown is parsed by cmark, the
 * CommonMark reference parser: fences of ``` and ~~~, longer fences, fences indented in lists;
 * blocks in other languages are left alone, and text outside the generated parts is never changed,
 * byte for byte. Errors point into the notes
 * (`lesson.md:12:9: error: ...`). Figures are drawn into a scratch folder
 * and moved beside the notes only when every block ran as it should, and
 * the notes are replaced whole: a failed run changes nothing.
 */
#ifndef BP_NOTES_H
#define BP_NOTES_H

#include <stdbool.h>
#include <stdio.h>

enum { NOTES_SIZE_MAX = 16 << 20 }; /* bytes of notes read */

typedef struct {
    const char *path; /* the notes (.md) */
    const char *out;  /* where the result goes; NULL: path itself */
    bool check;       /* change nothing: is everything up to date? */
} NotesOptions;

/* Runs the notes; says what went wrong (or, with check, what is out of
 * date) on err. Returns the exit status: 0 done (or up to date), 1 an
 * error or out of date. */
int notes_run(const NotesOptions *o, FILE *err);

#endif
