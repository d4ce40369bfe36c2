#!/usr/bin/env python3
"""test_kernel.py - the backprop Jupyter kernel, driven by a real Jupyter
client (jupyter_client, as a notebook drives it).

usage: test_kernel.py BACKPROP KERNEL_PY NOTEBOOK

Installs the kernelspec in a temporary JUPYTER_PATH (nothing of the user's
is touched), starts the kernel and runs cells: outputs, an error with its
caret, the inline SVG of :render, Tab completion, the stop button during a
long :descend, and restart; then `jupyter nbconvert --execute` runs
NOTEBOOK (examples/notes/lesson.ipynb) to its end. Every wait is for a
message; the cap only turns a hang into a failure.
"""
import json
import os
import subprocess
import sys
import tempfile

CAP = 60


def main():
    backprop, kernel_py = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    home = tempfile.TemporaryDirectory()
    spec = os.path.join(home.name, "kernels", "backprop")
    os.makedirs(spec)
    with open(os.path.join(spec, "kernel.json"), "w") as f:
        json.dump({"argv": [sys.executable, "-Xfrozen_modules=off", kernel_py, "-f",
                            "{connection_file}"],
                   "display_name": "backprop", "language": "backprop",
                   "interrupt_mode": "signal", "env": {"BACKPROP": backprop}}, f)
    os.environ["JUPYTER_PATH"] = home.name
    os.environ["JUPYTER_RUNTIME_DIR"] = os.path.join(home.name, "runtime")
    from jupyter_client.manager import start_new_kernel
    km, kc = start_new_kernel(kernel_name="backprop", startup_timeout=CAP)
    failures = []

    def check(ok, what):
        print(("ok    " if ok else "FAIL  ") + what, flush=True)
        if not ok:
            failures.append(what)

    def run(code, until=None):
        """Runs a cell; returns (reply content, [iopub messages])."""
        seen = []

        def hook(msg):
            seen.append(msg)
            if until and until(msg):
                km.interrupt_kernel()
        reply = kc.execute_interactive(code, output_hook=hook, timeout=CAP)
        return reply["content"], seen

    def text(seen):
        return "".join(m["content"].get("text", "") for m in seen if m["msg_type"] == "stream")

    try:
        reply, seen = run("apple = 100\napple_num = 2\ntax = 1.1\n"
                          "price = apple * apple_num * tax\n:grad")
        check(reply["status"] == "ok", "a cell of statements runs")
        check("price = 220" in text(seen) and "∂price/∂apple = 2.2" in text(seen),
              "values and :grad as text, as the terminal shows them")

        reply, seen = run("# a comment\n\ny = aple * 2\nnever = 1")
        errors = [m["content"] for m in seen if m["msg_type"] == "error"]
        check(reply["status"] == "error" and errors and
              "undefined name 'aple'" in errors[0]["traceback"][0] and
              "^~~~" in errors[0]["traceback"][0], "an error with its line and caret")
        reply, seen = run("never")
        check(reply["status"] == "error", "the lines after an error do not run")

        reply, seen = run(":render")
        svgs = [m["content"]["data"]["image/svg+xml"] for m in seen
                if m["msg_type"] == "display_data"]
        check(svgs and "<svg" in svgs[0] and ">2.2<" in svgs[0], ":render shows the figure inline")
        reply, seen = run(":render --forward")
        svgs = [m["content"]["data"]["image/svg+xml"] for m in seen
                if m["msg_type"] == "display_data"]
        check(svgs and ">2.2<" not in svgs[0], ":render --forward inline, without gradients")

        reply, seen = run(":mermaid")
        check("flowchart LR" in text(seen), ":mermaid shows Mermaid text")

        msg_id = kc.complete("x = app", 7)
        reply = kc.get_shell_msg(timeout=CAP)
        check(reply["parent_header"]["msg_id"] == msg_id and
              set(reply["content"]["matches"]) >= {"apple", "apple_num"} and
              reply["content"]["cursor_start"] == 4, "Tab completes names")
        kc.complete(":gr", 3)
        reply = kc.get_shell_msg(timeout=CAP)
        check(reply["content"]["matches"] == [":grad", ":graph"], "Tab completes commands")

        # The stop button during a long :descend: pressed once its first
        # step has printed; the session goes on.
        run("param w = 3\nloss = w * w")
        reply, seen = run(":descend 0.0000001 1000000",
                          until=lambda m: m["msg_type"] == "stream" and "step 1" in
                          m["content"].get("text", ""))
        check(reply["status"] == "error", "the stop button stops a long :descend")
        reply, seen = run("w")
        check(reply["status"] == "ok" and 0 < float(text(seen)) < 3,
              "the session goes on, keeping the steps taken (w = %s)" % text(seen).strip())

        km.restart_kernel(now=True)
        kc.wait_for_ready(timeout=CAP)
        reply, seen = run("apple")
        check(reply["status"] == "error", "restart gives a fresh session")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)

    # A whole notebook, as a course's CI would run it.
    out = os.path.join(home.name, "lesson.ipynb")
    done = subprocess.run(["jupyter", "nbconvert", "--to", "notebook", "--execute",
                           "--ExecutePreprocessor.timeout=%d" % CAP, "--output", out,
                           os.path.abspath(sys.argv[3])], capture_output=True, text=True)
    ran = json.load(open(out)) if done.returncode == 0 else {"cells": []}
    shown = json.dumps(ran["cells"], ensure_ascii=False)
    check(done.returncode == 0 and "price = 220" in shown and "image/svg+xml" in shown and
          "undefined name 'aple'" in shown,
          "nbconvert --execute runs the lesson notebook to its end%s" %
          ("" if done.returncode == 0 else ":\n" + done.stderr[-2000:]))
    if failures:
        print("%d kernel checks failed" % len(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
