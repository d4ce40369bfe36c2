/* lineedit.h - the interactive prompt: libedit line editing, history kept
 * across runs, tab completion of names and commands. */
#ifndef BP_LINEEDIT_H
#define BP_LINEEDIT_H

#include "session.h"

/* Reads and runs lines at a prompt until :quit or Ctrl-D. History lives in
 * $XDG_STATE_HOME/backprop/history (else ~/.local/state/backprop/history).
 * Returns false if any statement failed. */
bool lineedit_repl(Session *s);

#endif
