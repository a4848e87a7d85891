"""Golden regression test: the summary scalars of tests/golden/small.yaml against the values
stored in tests/golden/small.expected, at a relative precision of 1e-6 (absolute 1e-9 near
zero; NaN must stay NaN). The run is deterministic on a machine, so any difference beyond
the precision is a change of the model's behaviour: intended ones are recorded by
refreshing the file (`make golden`, or this script with --refresh) in the same commit, with
the reason in docs/model.md §3.

ctest runs it as: python3 test_golden.py BINARY TMP [--refresh]."""
import math
import os
import subprocess
import sys

import h5py

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "small.yaml")
EXPECTED = os.path.join(HERE, "small.expected")
RTOL, ATOL = 1e-6, 1e-9


def run(binary, tmp):
    out = os.path.join(tmp, "golden.h5")
    subprocess.run([binary, "run", SCENARIO, "-o", out, "--force", "--quiet", "--threads", "2"],
                   check=True)
    with h5py.File(out, "r") as f:
        summary = f["runs/r000000/summary"]
        return {name: float(summary[name][()]) for name in sorted(summary)}


def read_expected():
    values = {}
    with open(EXPECTED) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                name, value = line.split()
                values[name] = float(value)
    return values


def write_expected(values):
    with open(EXPECTED, "w") as f:
        f.write("# Summary scalars of tests/golden/small.yaml (name, value), checked at a relative\n"
                "# precision of 1e-6 by test_golden.py. Written by `make golden`; do not edit.\n")
        for name, v in sorted(values.items()):
            f.write("%s %.17g\n" % (name, v))


def close(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= max(ATOL, RTOL * max(abs(a), abs(b)))


def main():
    binary, tmp = sys.argv[1], sys.argv[2]
    os.makedirs(tmp, exist_ok=True)
    got = run(binary, tmp)
    if "--refresh" in sys.argv[3:]:
        write_expected(got)
        print("golden: wrote %d values to %s" % (len(got), EXPECTED))
        return 0
    want = read_expected()
    bad = []
    for name in sorted(set(want) | set(got)):
        if name not in got:
            bad.append("%s: expected %.17g, the run no longer writes it" % (name, want[name]))
        elif name not in want:
            bad.append("%s: new scalar %.17g, not in the golden file" % (name, got[name]))
        elif not close(got[name], want[name]):
            bad.append("%s: expected %.17g, got %.17g" % (name, want[name], got[name]))
    for line in bad:
        print("golden: " + line)
    if bad:
        print("golden: %d of %d scalars differ; if the model changed on purpose, run "
              "`make golden` and say why in docs/model.md" % (len(bad), len(want)))
        return 1
    print("golden: %d scalars match" % len(want))
    return 0


if __name__ == "__main__":
    sys.exit(main())
