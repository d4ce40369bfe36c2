#!/usr/bin/env python3
"""workloads.py - scalar workloads, backprop against PyTorch on the same graph.

    workloads.py bp KIND N > w.bp        # the backprop script
    workloads.py torch KIND N > w.py     # the same graph in PyTorch
    workloads.py run BACKPROP [N ...]    # both, every KIND, as a table

KIND is chain, mlp, fanin or fanout; N (default 1e4 1e5 1e6) is the size in
graph nodes as backprop counts them: leaves, constants and operations. Each
backprop script builds the graph statement by statement, prints every value
and ends with :grad; its PyTorch twin builds the same operations in the same
order on float64 scalar tensors (constants stay Python floats, as a PyTorch
user writes them), calls .backward() and prints every leaf's gradient.

  chain   x0, then alternating `* c` and `+ c`, relu every 8th op
  mlp     a 2-16-16-1 relu net in scalars (micrograd style) over as many
          samples as fit, loss = sum of squared errors
  fanin   the sum of N/4 products of two leaves, 100 per statement
  fanout  one leaf x used N/3 times: sums of x * c, 50 per statement

`run` times the whole backprop process (parse, build, forward, backward,
:grad; its output written to a file) and PyTorch from after `import torch`
to the printed gradients, so PyTorch's start-up is not counted against it;
peak memory is backprop's whole-process peak RSS against PyTorch's peak RSS
growth after the import. Both print the final value, which must agree.
Environment: RUNS (default 3; backprop's median), TORCH_RUNS (default 3, 1
for N >= 1e6), TORCH_TIMEOUT (default 300 s: a run that hits it makes the
ratio a lower bound, ">").
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
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print('torch-seconds', seconds)
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


def bp_script(kind, n, write):
    {"chain": bp_chain, "mlp": bp_mlp, "fanin": bp_fanin, "fanout": bp_fanout}[kind](
        n, lambda line: write(line + "\n")
    )
    write(":grad\n")


# --- the runner ---------------------------------------------------------------


def run_torch(path, timeout):
    """(seconds, peak KB growth, final value), or None on timeout."""
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
    return (float(fields["torch-seconds"]), int(fields["torch-peak-kb"]),
            float(value.split("=")[1]))


def median(xs):
    xs = sorted(xs)
    return xs[(len(xs) - 1) // 2]


def run(backprop, sizes):
    runs = int(os.environ.get("RUNS", "3"))
    timeout = float(os.environ.get("TORCH_TIMEOUT", "300"))
    try:
        import torch  # noqa: F401  (only to know whether the column can be filled)
        have_torch = True
    except ImportError:
        have_torch = False
    print(f"   {'workload':<8} {'N':>8}  {'backprop':>9} {'PyTorch':>9} {'faster':>7}"
          f"  {'bp peak':>8} {'B/node':>6} {'PyT peak':>9} {'smaller':>7}")
    with tempfile.TemporaryDirectory() as work:
        for n in sizes:
            for kind in KINDS:
                bp_path = os.path.join(work, f"{kind}.bp")
                with open(bp_path, "w") as f:
                    bp_script(kind, n, f.write)
                # Each size in a fresh child: RUSAGE_CHILDREN's peak is a max
                # over all children, so backprop is measured in its own one.
                bp = [measure_bp(backprop, bp_path) for _ in range(runs)]
                bp_s = median([b[0] for b in bp])
                bp_kb = max(b[1] for b in bp)
                t_text = r_text = m_text = mr_text = "-"
                if have_torch:
                    t_path = os.path.join(work, f"{kind}.py")
                    with open(t_path, "w") as f:
                        f.write(torch_script(kind, n))
                    t_runs = int(os.environ.get("TORCH_RUNS", "1" if n >= 10**6 else "3"))
                    ts = [run_torch(t_path, timeout) for _ in range(t_runs)]
                    done = [t for t in ts if t]
                    if not done:
                        t_text, r_text = f">{timeout:.0f}s", f">{timeout / bp_s:.0f}x"
                    else:
                        t_s = median([t[0] for t in done])
                        t_kb = max(t[1] for t in done)
                        if abs(done[0][2] - bp[0][2]) > 1e-9 * max(1, abs(done[0][2])):
                            sys.exit(f"workloads.py: {kind} N={n}: backprop's loss "
                                     f"{bp[0][2]!r} but PyTorch's {done[0][2]!r}")
                        t_text, r_text = f"{t_s:.3f}s", f"{t_s / bp_s:.0f}x"
                        m_text, mr_text = f"{t_kb / 1024:.1f}MB", f"{t_kb / bp_kb:.1f}x"
                print(f"   {kind:<8} {n:>8.0e}  {bp_s:>8.3f}s {t_text:>9} {r_text:>7}"
                      f"  {bp_kb / 1024:>6.1f}MB {bp_kb * 1024 / n:>6.0f} {m_text:>9}"
                      f" {mr_text:>7}", flush=True)


def measure_bp(backprop, path):
    """One backprop run in a fresh Python child, so its peak RSS is its own.
    Its output goes to a file, read after the clock stops: through a pipe the
    time would include Python decoding tens of megabytes of captured text."""
    code = (
        "import resource, subprocess, sys, tempfile, time\n"
        "with tempfile.TemporaryFile() as out:\n"
        "    t = time.perf_counter()\n"
        "    p = subprocess.run([sys.argv[1], sys.argv[2]], stdout=out, stderr=subprocess.PIPE)\n"
        "    t = time.perf_counter() - t\n"
        "    if p.returncode: sys.exit(p.stderr[:500].decode(errors='replace'))\n"
        "    out.seek(0)\n"
        "    v = next(l for l in out.read().decode().splitlines() if l.startswith('loss = '))\n"
        "print(t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, v.split('=')[1])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, backprop, path],
                          capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"workloads.py: backprop failed on {path}: {proc.stderr[:500]}")
    s, kb, v = proc.stdout.split()
    return float(s), int(kb), float(v)


def main(argv):
    if len(argv) >= 3 and argv[0] in ("bp", "torch") and argv[1] in KINDS:
        n = int(float(argv[2]))
        if argv[0] == "bp":
            bp_script(argv[1], n, sys.stdout.write)
        else:
            sys.stdout.write(torch_script(argv[1], n))
        return
    if len(argv) >= 2 and argv[0] == "run":
        run(argv[1], [int(float(a)) for a in argv[2:]] or [10**4, 10**5, 10**6])
        return
    sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
