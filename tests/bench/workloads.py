#!/usr/bin/env python3
"""workloads.py - scalar workloads, backprop against PyTorch on the same graph.

    workloads.py bp KIND N > w.bp          # the backprop script
    workloads.py bp-quiet KIND N > w.bp    # its form for backprop -q
    workloads.py torch KIND N > w.py       # the same graph in PyTorch
    workloads.py run BACKPROP FLOOR [N ...]  # all of them, every KIND, as tables

KIND is chain, mlp, fanin or fanout; N (default 1e4 1e5 1e6) is the size in
graph nodes as backprop counts them: leaves, constants and operations. Each
backprop script builds the graph statement by statement, prints every value
and ends with :grad; its quiet form, run with `backprop -q`, prints nothing
but the final value (a bare `loss`) and the gradient (:grad). The PyTorch
twin builds the same operations in the same order on float64 scalar tensors
(constants stay Python floats, as a PyTorch user writes them), calls
.backward() and prints the final value and every leaf's gradient: the quiet
form's output.

  chain   x0, then alternating `* c` and `+ c`, relu every 8th op
  mlp     a 2-16-16-1 relu net in scalars (micrograd style) over as many
          samples as fit, loss = sum of squared errors
  fanin   the sum of N/4 products of two leaves, 100 per statement
  fanout  one leaf x used N/3 times: sums of x * c, 50 per statement

`run` times whole processes: backprop (parse, build, forward, backward,
:grad; its output written to a file), backprop -q on the quiet form, and
FLOOR -q (tests/bench/floor.c: the least any program must do for the quiet
form), whose output must be backprop -q's byte for byte; PyTorch from after
`import torch` to the printed gradients, so its start-up is not counted
against it. Peak memory is backprop's whole-process peak RSS against
PyTorch's peak RSS growth after the import. All print the final value,
which must agree.

Two tables: the scripts that print every value (backprop's median of RUNS,
default 3), and the quiet ones (best of QUIET_RUNS, default 5, wall and user
CPU time; PyTorch's best of its runs, the same runs as the first table).
TORCH_RUNS: default 3, 1 for N >= 1e6; TORCH_TIMEOUT: default 300 s, a run
that hits it makes the ratio a lower bound, ">".
"""
import os
import resource
import subprocess
import sys
import tempfile
import time

KINDS = ("chain", "mlp", "fanin", "fanout")


def const(i, salt=7919):
    """A deterministic constant in [-0.5, 0.5) with three decimals: the
    literal and the Python expression round to the same double."""
    return ((i * salt) % 1000 - 500) / 1000


# --- backprop scripts ---------------------------------------------------------


def bp_chain(n, out):
    out("x0 = 0.5")
    nodes, i = 1, 1
    while nodes < n:
        if i % 8 == 0:
            out(f"x{i} = relu(x{i - 1})")
            nodes += 1
        elif i % 2:
            out(f"x{i} = x{i - 1} * 1.0000001")
            nodes += 2
        else:
            out(f"x{i} = x{i - 1} + 0.000001")
            nodes += 2
        i += 1
    out(f"loss = x{i - 1} * 1")


MLP = (2, 16, 16, 1)
MLP_PARAMS = 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1
MLP_NODES_PER_SAMPLE = 16 * 7 + 16 * 33 + 32 + 5


def mlp_samples(n):
    return max(1, (n - MLP_PARAMS) // MLP_NODES_PER_SAMPLE)


def bp_mlp(n, out):
    p = 0
    for layer in range(3):
        fan_in, width = MLP[layer], MLP[layer + 1]
        for j in range(width):
            for i in range(fan_in):
                out(f"w{layer}_{i}_{j} = {const(p)}")
                p += 1
            out(f"b{layer}_{j} = {const(p)}")
            p += 1
    out("L = 0")
    for s in range(mlp_samples(n)):
        x = (const(3 * s, 104729), const(3 * s + 1, 104729))
        for j in range(16):
            terms = " + ".join(f"w0_{i}_{j} * {x[i]}" for i in range(2))
            out(f"a{s}_{j} = relu({terms} + b0_{j})")
        for j in range(16):
            terms = " + ".join(f"w1_{i}_{j} * a{s}_{i}" for i in range(16))
            out(f"h{s}_{j} = relu({terms} + b1_{j})")
        terms = " + ".join(f"w2_{i}_0 * h{s}_{i}" for i in range(16))
        out(f"o{s} = {terms} + b2_0")
        out(f"L{s + 1} = L{s if s else ''} + (o{s} - {const(3 * s + 2, 104729)}) ** 2")
    out(f"loss = L{mlp_samples(n)} * 1")


def bp_fanin(n, out):
    pairs = max(100, n // 4 // 100 * 100)
    for i in range(pairs):
        out(f"u{i} = {const(i)}")
        out(f"v{i} = {const(i, 104729)}")
    for k in range(pairs // 100):
        out(f"s{k} = " + " + ".join(f"u{i} * v{i}" for i in range(100 * k, 100 * k + 100)))
    out("loss = " + " + ".join(f"s{k}" for k in range(pairs // 100)))


def bp_fanout(n, out):
    blocks = max(1, n // 3 // 50)
    out("x = 0.5")
    for k in range(blocks):
        out(f"s{k} = " + " + ".join(f"x * {const(50 * k + i)}" for i in range(50)))
    out("loss = " + " + ".join(f"s{k}" for k in range(blocks)))


# --- PyTorch scripts: the same operations, in the same order ------------------

TORCH_HEAD = """import resource, time, torch
torch.set_grad_enabled(True)
def rss_kb():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * (resource.getpagesize() // 1024)
base_kb = rss_kb()
start = time.perf_counter()
start_user = resource.getrusage(resource.RUSAGE_SELF).ru_utime
def leaf(v):
    return torch.tensor(v, dtype=torch.float64, requires_grad=True)
def const(i, salt=7919):
    return ((i * salt) % 1000 - 500) / 1000
"""

TORCH_TAIL = """loss.backward()
print('loss =', repr(loss.item()))
for t in leaves:
    print(t.grad.item())
seconds = time.perf_counter() - start
user_seconds = resource.getrusage(resource.RUSAGE_SELF).ru_utime - start_user
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print('torch-seconds', seconds)
print('torch-user-seconds', user_seconds)
print('torch-peak-kb', peak_kb - base_kb)
"""

TORCH_BODY = {
    "chain": """x = leaf(0.5)
leaves = [x]
nodes, i = 1, 1
while nodes < N:
    if i % 8 == 0:
        x = torch.relu(x); nodes += 1
    elif i % 2:
        x = x * 1.0000001; nodes += 2
    else:
        x = x + 0.000001; nodes += 2
    i += 1
loss = x * 1
""",
    "mlp": """W, B = [], []
p = 0
for layer, (fan_in, width) in enumerate(((2, 16), (16, 16), (16, 1))):
    w = [[None] * width for _ in range(fan_in)]
    b = [None] * width
    for j in range(width):
        for i in range(fan_in):
            w[i][j] = leaf(const(p)); p += 1
        b[j] = leaf(const(p)); p += 1
    W.append(w); B.append(b)
leaves = [t for l in range(3) for j in range(len(B[l]))
          for t in [W[l][i][j] for i in range(len(W[l]))] + [B[l][j]]]
L = 0
for s in range(SAMPLES):
    x = (const(3 * s, 104729), const(3 * s + 1, 104729))
    a = []
    for j in range(16):
        t = W[0][0][j] * x[0]
        t = t + W[0][1][j] * x[1]
        a.append(torch.relu(t + B[0][j]))
    h = []
    for j in range(16):
        t = W[1][0][j] * a[0]
        for i in range(1, 16):
            t = t + W[1][i][j] * a[i]
        h.append(torch.relu(t + B[1][j]))
    o = W[2][0][0] * h[0]
    for i in range(1, 16):
        o = o + W[2][i][0] * h[i]
    o = o + B[2][0]
    L = L + (o - const(3 * s + 2, 104729)) ** 2
loss = L * 1
""",
    "fanin": """leaves = []
u, v = [], []
for i in range(PAIRS):
    u.append(leaf(const(i))); v.append(leaf(const(i, 104729)))
    leaves += [u[-1], v[-1]]
s = []
for k in range(PAIRS // 100):
    t = u[100 * k] * v[100 * k]
    for i in range(100 * k + 1, 100 * k + 100):
        t = t + u[i] * v[i]
    s.append(t)
loss = s[0]
for t in s[1:]:
    loss = loss + t
""",
    "fanout": """x = leaf(0.5)
leaves = [x]
s = []
for k in range(BLOCKS):
    t = x * const(50 * k)
    for i in range(1, 50):
        t = t + x * const(50 * k + i)
    s.append(t)
loss = s[0]
for t in s[1:]:
    loss = loss + t
""",
}


def torch_script(kind, n):
    params = {
        "N": n,
        "SAMPLES": mlp_samples(n),
        "PAIRS": max(100, n // 4 // 100 * 100),
        "BLOCKS": max(1, n // 3 // 50),
    }
    head = "".join(f"{k} = {v}\n" for k, v in params.items())
    return TORCH_HEAD + head + TORCH_BODY[kind] + TORCH_TAIL


def bp_script(kind, n, write, quiet=False):
    """The script; quiet: the form for `backprop -q`, which prints only what
    its last two lines ask for, the final value and the gradient."""
    {"chain": bp_chain, "mlp": bp_mlp, "fanin": bp_fanin, "fanout": bp_fanout}[kind](
        n, lambda line: write(line + "\n")
    )
    if quiet:
        write("loss\n")
    write(":grad\n")


# --- the runner ---------------------------------------------------------------


def run_torch(path, timeout):
    """(seconds, user CPU seconds, peak KB growth, final value), or None on
    timeout."""
    try:
        proc = subprocess.run(
            [sys.executable, path], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0:
        sys.exit(f"workloads.py: PyTorch failed on {path}: {proc.stderr[-500:]}")
    fields = dict(l.split(None, 1) for l in proc.stdout.splitlines() if l.startswith("torch-"))
    value = next(l for l in proc.stdout.splitlines() if l.startswith("loss = "))
    return (float(fields["torch-seconds"]), float(fields["torch-user-seconds"]),
            int(fields["torch-peak-kb"]), float(value.split("=")[1]))


def median(xs):
    xs = sorted(xs)
    return xs[(len(xs) - 1) // 2]


def run(backprop, floor, sizes):
    runs = int(os.environ.get("RUNS", "3"))
    quiet_runs = int(os.environ.get("QUIET_RUNS", "5"))
    timeout = float(os.environ.get("TORCH_TIMEOUT", "300"))
    try:
        import torch  # noqa: F401  (only to know whether the column can be filled)
        have_torch = True
    except ImportError:
        have_torch = False
    loud, quiet = [], []
    with tempfile.TemporaryDirectory() as work:
        for n in sizes:
            for kind in KINDS:
                bp_path = os.path.join(work, f"{kind}.bp")
                with open(bp_path, "w") as f:
                    bp_script(kind, n, f.write)
                q_path = os.path.join(work, f"{kind}-quiet.bp")
                with open(q_path, "w") as f:
                    bp_script(kind, n, f.write, quiet=True)
                # Each run in a fresh child: RUSAGE_CHILDREN's peak is a max
                # over all children, so backprop is measured in its own one.
                bp = [measure(work, [backprop, bp_path]) for _ in range(runs)]
                bq = [measure(work, [backprop, "-q", q_path]) for _ in range(quiet_runs)]
                fq = [measure(work, [floor, "-q", q_path]) for _ in range(quiet_runs)]
                if bq[0].output != fq[0].output:
                    sys.exit(f"workloads.py: {kind} N={n}: backprop -q and floor -q differ")
                loss = float(bp[0].output.split("loss = ")[1].split("\n")[0])
                if float(bq[0].output.split("\n")[0]) != loss:
                    sys.exit(f"workloads.py: {kind} N={n}: backprop and backprop -q differ")
                torch_run = None  # (seconds, user seconds, peak KB), "timeout" or None
                if have_torch:
                    t_path = os.path.join(work, f"{kind}.py")
                    with open(t_path, "w") as f:
                        f.write(torch_script(kind, n))
                    t_runs = int(os.environ.get("TORCH_RUNS", "1" if n >= 10**6 else "3"))
                    ts = [t for t in (run_torch(t_path, timeout) for _ in range(t_runs)) if t]
                    torch_run = "timeout"
                    if ts:
                        if abs(ts[0][3] - loss) > 1e-9 * max(1, abs(loss)):
                            sys.exit(f"workloads.py: {kind} N={n}: backprop's loss "
                                     f"{loss!r} but PyTorch's {ts[0][3]!r}")
                        torch_run = (min(t[0] for t in ts), min(t[1] for t in ts),
                                     max(t[2] for t in ts))
                loud.append(loud_row(kind, n, bp, torch_run, timeout))
                quiet.append(quiet_row(kind, n, bq, fq, torch_run, timeout))
                print(loud[-1], file=sys.stderr, flush=True)
    print(f"   {'workload':<8} {'N':>8}  {'backprop':>9} {'PyTorch':>9} {'faster':>7}"
          f"  {'bp peak':>8} {'B/node':>6} {'PyT peak':>9} {'smaller':>7}")
    print("\n".join(loud))
    print(f"   {'workload':<8} {'N':>8}  {'bp -q':>9} {'user':>6} {'PyTorch':>9} {'user':>7}"
          f" {'faster':>7} {'user':>6}  {'floor -q':>9} {'user':>6} {'x floor':>7} {'user':>6}")
    print("\n".join(quiet))


def against_torch(torch_run, timeout, seconds):
    """PyTorch's wall time and how many times `seconds` it is, as text."""
    if torch_run == "timeout":
        return f">{timeout:.0f}s", f">{timeout / seconds:.0f}x"
    if torch_run:
        return f"{torch_run[0]:.3f}s", f"{torch_run[0] / seconds:.0f}x"
    return "-", "-"


def loud_row(kind, n, bp, torch_run, timeout):
    """The table of scripts that print every value: medians, peak memory."""
    bp_s = median([b.seconds for b in bp])
    bp_kb = max(b.peak_kb for b in bp)
    t_text, r_text = against_torch(torch_run, timeout, bp_s)
    t_kb = torch_run[2] if isinstance(torch_run, tuple) else None
    m_text = f"{t_kb / 1024:.1f}MB" if t_kb else "-"
    mr_text = f"{t_kb / bp_kb:.1f}x" if t_kb else "-"
    return (f"   {kind:<8} {n:>8.0e}  {bp_s:>8.3f}s {t_text:>9} {r_text:>7}"
            f"  {bp_kb / 1024:>6.1f}MB {bp_kb * 1024 / n:>6.0f} {m_text:>9} {mr_text:>7}")


def quiet_row(kind, n, bq, fq, torch_run, timeout):
    """The table of quiet scripts: best wall time and best user CPU time of
    backprop -q, PyTorch and floor -q, and the ratios the goals are about."""
    bq_s, bq_u = min(b.seconds for b in bq), min(b.user for b in bq)
    fq_s, fq_u = min(f.seconds for f in fq), min(f.user for f in fq)
    t_text, r_text = against_torch(torch_run, timeout, bq_s)
    t_u = torch_run[1] if isinstance(torch_run, tuple) else None
    tu_text = f"{t_u:.2f}s" if t_u is not None else "-"
    ru_text = f"{t_u / max(bq_u, 0.005):.0f}x" if t_u is not None else "-"
    return (f"   {kind + '-q':<8} {n:>8.0e}  {bq_s:>8.3f}s {bq_u:>5.2f}s {t_text:>9} {tu_text:>7}"
            f" {r_text:>7} {ru_text:>6}  {fq_s:>8.3f}s {fq_u:>5.2f}s {bq_s / fq_s:>6.2f}x"
            f" {bq_u / max(fq_u, 0.005):>5.2f}x")


class Run:
    """One program run: wall seconds, user CPU seconds, peak RSS, output."""

    def __init__(self, seconds, user, peak_kb, output):
        self.seconds, self.user, self.peak_kb, self.output = seconds, user, peak_kb, output


def measure(work, argv):
    """One run of argv in a fresh Python child, so its peak RSS is its own.
    Its output goes to a file, read after the clock stops: through a pipe the
    time would include Python decoding tens of megabytes of captured text."""
    code = (
        "import resource, subprocess, sys, time\n"
        "with open(sys.argv[1], 'wb') as out:\n"
        "    t = time.perf_counter()\n"
        "    p = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.PIPE)\n"
        "    t = time.perf_counter() - t\n"
        "if p.returncode: sys.exit(p.stderr[:500].decode(errors='replace'))\n"
        "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(t, r.ru_utime, r.ru_maxrss)\n"
    )
    out_path = os.path.join(work, "out.txt")
    proc = subprocess.run([sys.executable, "-c", code, out_path] + argv,
                          capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"workloads.py: {' '.join(argv)} failed: {proc.stderr[:500]}")
    s, user, kb = proc.stdout.split()
    with open(out_path) as f:
        output = f.read()
    return Run(float(s), float(user), int(kb), output)


def main(argv):
    if len(argv) >= 3 and argv[0] in ("bp", "bp-quiet", "torch") and argv[1] in KINDS:
        n = int(float(argv[2]))
        if argv[0] != "torch":
            bp_script(argv[1], n, sys.stdout.write, quiet=argv[0] == "bp-quiet")
        else:
            sys.stdout.write(torch_script(argv[1], n))
        return
    if len(argv) >= 3 and argv[0] == "run":
        run(argv[1], argv[2], [int(float(a)) for a in argv[3:]] or [10**4, 10**5, 10**6])
        return
    sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
