"""`trustsim validate --quick` on the real scenarios/validation.yaml (found from the
working directory, the source tree), as ctest runs it in the release tree only (the
integration/validate_quick tests; the Makefile leaves them out of the sanitizer tree).

    python3 validate_quick.py BINARY TMPDIR [--strict | --expect-fail] [--set KEY=VALUE]...

Checks that the command runs, exits 0 or 1, and prints a well-formed scorecard that
agrees with the file it writes: one line per check, one per pattern, a total, and on exit
1 a line on stderr naming exactly the failing patterns. --strict asks for exit 0 (every
pattern passes); --expect-fail for exit 1."""
import os
import re
import subprocess
import sys

import h5py

CHECK = re.compile(r"^  (\S+) +(.+?) +(NaN|\S+|\S+ \[\S+, \S+\]) +(>= \S+|<= \S+|\[\S+, \S+\]|any)"
                   r"( +(-|NaN|\S+))*? +(\d+)  (PASS|FAIL( \(.*\))?)$")
PATTERN = re.compile(r"^(\S+) +(PASS|FAIL)  .* \((\d+) of (\d+) checks? passed\)$")
TOTAL = re.compile(r"^total: (\d+) of (\d+) patterns? passed, (\d+) of (\d+) checks?$")


def fail(msg):
    print("FAIL: " + msg)
    print("0 passed, 1 failed")
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def main():
    binary, tmp = sys.argv[1], sys.argv[2]
    rest = sys.argv[3:]
    strict = "--strict" in rest
    expect_fail = "--expect-fail" in rest
    sets = [a for a in rest if a not in ("--strict", "--expect-fail")]
    out = os.path.join(tmp, "validate_quick%s.h5" % ("_set" if sets else ""))
    r = subprocess.run([binary, "validate", "--quick", "--quiet", "-o", out, "--force"] + sets,
                       capture_output=True, text=True)
    print(r.stdout, end="")
    print(r.stderr, end="", file=sys.stderr)
    check(r.returncode in (0, 1), "exit code %d" % r.returncode)
    if strict:
        check(r.returncode == 0, "a pattern fails (exit 1): %s" % r.stderr.strip())
    if expect_fail:
        check(r.returncode == 1, "every pattern passes (exit 0)")

    lines = r.stdout.splitlines()
    check(lines and lines[0].startswith("scorecard of %s (--quick): "
                                        % os.path.join("scenarios", "validation.yaml")),
          "first line %r" % (lines[:1],))
    check(re.match(r"^  id +check +mean \[95% CI\] +target ", lines[1]), "header %r" % lines[1])
    checks = [CHECK.match(x) for x in lines[2:] if x.startswith("  ")]
    check(all(checks), "malformed check line in:\n" + r.stdout)
    pats = [PATTERN.match(x) for x in lines if PATTERN.match(x)]
    totals = [TOTAL.match(x) for x in lines if TOTAL.match(x)]
    check(len(totals) == 1, "total line")
    check(lines[-1] == "written to %s" % out, "last line %r" % lines[-1])

    with h5py.File(out, "r") as f:
        sc = f["validation/scorecard"]
        ids = list(f["validation/patterns"])
        check(len(checks) == sc["pattern"].shape[0], "%d check lines, %d rows in the file"
              % (len(checks), sc["pattern"].shape[0]))
        check([m.group(1) for m in checks] == list(sc["pattern"].asstr()[:]), "check order")
        check([m.group(8) == "PASS" for m in checks] == [bool(x) for x in sc["pass"][:]],
              "PASS/FAIL of the checks against the file")
        check([m.group(1) for m in pats] == ids, "pattern lines %s, patterns %s"
              % ([m.group(1) for m in pats], ids))
        for m in pats:
            mine = [c for c in checks if c.group(1) == m.group(1)]
            passed = sum(c.group(8) == "PASS" for c in mine)
            check(int(m.group(4)) == len(mine) and int(m.group(3)) == passed,
                  "counts of %s" % m.group(1))
            check((m.group(2) == "PASS") == (passed == len(mine)), "result of %s" % m.group(1))
            check(int(f["validation/patterns"][m.group(1)].attrs["pass"]) == (m.group(2) == "PASS"),
                  "pass attribute of %s" % m.group(1))

    failing = [m.group(1) for m in pats if m.group(2) == "FAIL"]
    t = totals[0]
    check(int(t.group(2)) == len(pats) and int(t.group(1)) == len(pats) - len(failing), "total")
    if r.returncode == 1:
        want = "trustsim: %d of %d pattern%s FAIL: %s\n" % (
            len(failing), len(pats), "" if len(pats) == 1 else "s", ", ".join(failing))
        check(failing and r.stderr == want, "stderr %r, expected %r" % (r.stderr, want))
    else:
        check(not failing and r.stderr == "", "exit 0 with failing patterns %s" % failing)
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
