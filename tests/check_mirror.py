"""Tests mirror the tree: every source of sim/ and models/ has tests/<dir>/test_<name>.c
(for sim/'s folders, sim/<folder>/<name>.c has tests/sim/test_<name>.c),
or a line in tests/mirror_exceptions.txt naming the existing test that covers it. Also
fails on stale exceptions (the source is gone, or has its own test now), so the list only
shrinks. Run by ctest from the source directory: python3 tests/check_mirror.py."""
import glob
import os
import sys


def main():
    exceptions = {}
    with open("tests/mirror_exceptions.txt") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                src, test = line.split()
                exceptions[src] = test
    bad = []
    sources = sorted(glob.glob("sim/*/*.c") + glob.glob("models/*.c"))
    for src in sources:
        d, name = os.path.split(src)
        own = "tests/%s/test_%s" % (d.split("/")[0], name)
        if os.path.exists(own):
            if src in exceptions:
                bad.append("%s has its own test now: drop it from the exceptions" % src)
        elif src not in exceptions:
            bad.append("%s has no test file (%s)" % (src, own))
        elif not os.path.exists(exceptions[src]):
            bad.append("%s: the covering test %s does not exist" % (src, exceptions[src]))
    for src in exceptions:
        if src not in sources:
            bad.append("%s is listed but not in the tree" % src)
    for line in bad:
        print("mirror: " + line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
