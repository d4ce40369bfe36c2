# find_python.sh - sourced by the benchmark scripts: which Python has a module.
#
#     . "$root/tests/bench/find_python.sh"
#     python=$(find_python numpy)    # empty when none has it
#
# PYTHON first (default python3), then Debian's /usr/bin/python3: python3 on
# PATH may be another installation (pyenv) without Debian's python3-numpy
# and python3-torch.
find_python() { # find_python MODULE
    for candidate in "${PYTHON:-python3}" /usr/bin/python3; do
        if "$candidate" -c "import $1" 2>/dev/null; then
            echo "$candidate"
            return
        fi
    done
}
