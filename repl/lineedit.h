/* lineedit.h - the interactive prompt: libedit line editing, history kept
 * across runs, tab completion of names and commands. */
#ifndef BP_LINEEDIT_H
#define BP_LINEEDIT_H

#include <signal.h>

#include "session.h"

/* Reads and runs lines at a prompt until :quit or Ctrl-D. History lives in
 * $XDG_STATE_HOME/backprop/history (else ~/.local/state/backprop/history),
 * rewritten through a temporary file after every line. `interrupted` is the
 * flag the caller's SIGINT handler sets (installed without SA_RESTART): the
 * REPL clears it before each prompt, and a Ctrl-C at the prompt drops the
 * line being typed. Returns false if any statement failed. */
bool lineedit_repl(Session *s, volatile sig_atomic_t *interrupted);

#endif
