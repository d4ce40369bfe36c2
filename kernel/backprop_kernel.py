#!/usr/bin/env python3
"""backprop_kernel.py - a Jupyter kernel whose cells are backprop code.

A wrapper kernel, as bash_kernel and octave_kernel are: ipykernel speaks
Jupyter's protocol, and backprop itself runs as a child process driven line
by line through a pipe:

    backprop --json --driver

Each line sent is answered by JSON rows, the last a {"kind": "done"} row.
--driver makes every row carry the text the terminal would show, and makes
Ctrl-C (the notebook's stop button) stop only the line running.

What a cell shows:
  - values, :grad, :trace, ... as text, as the terminal shows them;
  - an error as a Jupyter error, with the line and the caret;
  - `:render` without a file: the figure inline, as SVG (`:render -.svg`);
  - `:mermaid` as its Mermaid text.
Tab completes names, functions and commands (`:complete`). Restart gives a
fresh session. The program is $BACKPROP, else `backprop` on the PATH.
"""
import json
import os
import re
import shutil
import signal
import subprocess

from ipykernel.kernelbase import Kernel

# `:render` with options but no file: drawn inline instead of summarised.
RENDER_INLINE = re.compile(r"^\s*:render((\s+--\S+(\s+[^-\s]\S*)?)*)\s*$")
WORD = re.compile(r"[:A-Za-z_0-9]*$")


class BackpropKernel(Kernel):
    implementation = "backprop"
    implementation_version = "0.1"
    language_info = {
        "name": "backprop",
        "mimetype": "text/x-backprop",
        "file_extension": ".bp",
        "codemirror_mode": "python",
    }
    banner = "backprop: computational graphs, forward values and gradients"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.program = os.environ.get("BACKPROP") or shutil.which("backprop") or "backprop"
        self.child = None
        self.stopped = False
        self.start_child()

    def start_child(self):
        self.child = subprocess.Popen(
            [self.program, "--json", "--driver"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)

    def rows(self, line):
        """Sends one line; yields its rows up to (not including) its done row."""
        self.child.stdin.write(line + "\n")
        self.child.stdin.flush()
        for raw in self.child.stdout:
            try:
                row = json.loads(raw)
            except ValueError:  # not a row: shown as it came
                row = {"kind": "text", "text": raw}
            if row.get("kind") == "done":
                return
            yield row
        raise EOFError("backprop ended")

    def run_line(self, line, silent):
        """Runs one line; returns the error row if it failed, else None."""
        match = RENDER_INLINE.match(line)
        if match:
            line = ":render -.svg" + match.group(1)
        error = None
        for row in self.rows(line):
            kind = row.get("kind")
            if kind == "svg":
                if not silent:
                    self.send_response(self.iopub_socket, "display_data", {
                        "data": {"image/svg+xml": row["svg"], "text/plain": "<figure>"},
                        "metadata": {}})
            elif kind == "error":
                error = row
            elif row.get("diagnostic"):
                if not silent:
                    self.send_response(self.iopub_socket, "stream",
                                       {"name": "stderr", "text": row.get("text", "")})
            elif "text" in row and not silent:  # as it comes: a long :descend shows its steps
                self.send_response(self.iopub_socket, "stream",
                                   {"name": "stdout", "text": row["text"]})
        return error

    # The stop button sends SIGINT, to this process (and, when it leads its
    # process group, to backprop too). Whichever thread takes it, Python
    # runs the handler in the main thread later, possibly after the line
    # is over: so the handler is this one for as long as a message is
    # handled (ipykernel would raise KeyboardInterrupt there), and it only
    # passes the signal on. backprop --driver stops the line running and
    # answers its done row; reading is never cut off halfway through a row.
    def pre_handler_hook(self):
        self.saved_sigint_handler = signal.signal(signal.SIGINT, self.on_stop)

    def post_handler_hook(self):
        signal.signal(signal.SIGINT, self.saved_sigint_handler)

    def on_stop(self, signum, frame):
        self.stopped = True
        if self.child and self.child.poll() is None:
            self.child.send_signal(signal.SIGINT)

    def do_execute(self, code, silent, store_history=True, user_expressions=None,
                   allow_stdin=False):
        self.stopped = False
        error = None
        try:
            for line in code.replace("\r\n", "\n").split("\n"):
                error = self.run_line(line, silent)
                if error or self.stopped:
                    break  # as a script stops: the lines after it do not run
        except EOFError:
            error = {"message": "backprop ended", "text": "backprop ended; restart the kernel"}
        if self.stopped and not error:
            error = {"message": "interrupted", "text": "interrupted"}
        if error:
            content = {"ename": "error", "evalue": error["message"],
                       "traceback": [error.get("text", error["message"]).rstrip("\n")]}
            if not silent:
                self.send_response(self.iopub_socket, "error", content)
            return dict(status="error", execution_count=self.execution_count, **content)
        return {"status": "ok", "execution_count": self.execution_count, "payload": [],
                "user_expressions": {}}

    def do_complete(self, code, cursor_pos):
        word = WORD.search(code[:cursor_pos]).group(0)
        matches = []
        if word:
            matches = [r["word"] for r in self.rows(":complete " + word)
                       if r.get("kind") == "completion"]
        return {"status": "ok", "matches": matches, "cursor_start": cursor_pos - len(word),
                "cursor_end": cursor_pos, "metadata": {}}

    def do_shutdown(self, restart):
        if self.child:
            self.child.stdin.close()
            try:
                self.child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.child.kill()
        if restart:
            self.start_child()
        return {"status": "ok", "restart": restart}


if __name__ == "__main__":
    from ipykernel.kernelapp import IPKernelApp
    IPKernelApp.launch_instance(kernel_class=BackpropKernel)
