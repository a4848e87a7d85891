"""Test of the validation file's layout (docs/output.md, "Validation files"), read back with
h5py from `trustsim validate` on tests/fixtures/validation/tiny.yaml: the root attributes,
the runs (numbering, pattern and arm, one seed for every arm of a replicate, status last),
/validation/patterns and the scorecard columns with their units and descriptions, the
scorecard's numbers recomputed from the runs, and an arm's stored scenario giving that
arm's runs again, bit for bit, with `trustsim run`.
Run by ctest from the project root as: python3 test_validate_layout.py BINARY TMPDIR."""
import math
import os
import subprocess
import sys

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TINY = os.path.join(ROOT, "tests", "fixtures", "validation", "tiny.yaml")

COLUMNS = ["pattern", "check", "arms", "as", "units", "value", "sd", "ci95_low", "ci95_high",
           "n", "target_min", "target_max", "welch_t", "welch_t_min", "welch_t_max", "cohen_d",
           "cohen_d_min", "cohen_d_max", "pass"]


def fail(msg):
    print("FAIL: " + msg)
    print("0 passed, 1 failed")
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def s(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def main():
    binary, tmp = sys.argv[1], os.path.join(sys.argv[2], "validate_layout")
    os.makedirs(tmp, exist_ok=True)
    out = os.path.join(tmp, "tiny.h5")
    r = subprocess.run([binary, "validate", TINY, "-o", out, "--force", "--quiet",
                        "--set", "seed=1"], capture_output=True, text=True)
    check(r.returncode == 1, "validate exit %d: %s" % (r.returncode, r.stderr))
    f = h5py.File(out, "r")

    # Root attributes.
    a = f.attrs
    for k in ["trustsim_version", "created_utc", "command_line"]:
        check(s(a[k]) != "", "root attribute %s empty" % k)
    check(s(a["scenario_name"]) == "validation" and s(a["scenario_yaml"]) == "",
          "scenario_name/scenario_yaml: %r %r" % (a["scenario_name"], a["scenario_yaml"]))
    check(s(a["patterns_file"]) == TINY, "patterns_file %r" % a["patterns_file"])
    with open(TINY) as t:
        check(s(a["patterns_yaml"]) == t.read(), "patterns_yaml is not the file's text")
    check(s(a["sets"]) == "seed=1\n", "sets %r" % a["sets"])
    check(int(a["quick"]) == 0, "quick %r" % a["quick"])
    check("sweep" not in f, "a validation file has no /sweep")

    # Runs: T1 (one arm, 3 seeds) then T2 (two arms, 3 seeds), replicate-major in each.
    runs = f["runs"]
    names = sorted(runs)
    check(names == ["r%06d" % i for i in range(9)], "runs %s" % names)
    expect = [("T1", "base", 0, 0), ("T1", "base", 0, 1), ("T1", "base", 0, 2),
              ("T2", "growth", 0, 0), ("T2", "steady", 1, 0), ("T2", "growth", 0, 1),
              ("T2", "steady", 1, 1), ("T2", "growth", 0, 2), ("T2", "steady", 1, 2)]
    seeds = {}
    for name, (pat, arm, point, rep) in zip(names, expect):
        g = runs[name]
        got = (s(g.attrs["pattern"]), s(g.attrs["arm"]), int(g.attrs["grid_point"]),
               int(g.attrs["replicate"]))
        check(got == (pat, arm, point, rep), "%s: %s, expected %s" % (name, got, (pat, arm, point, rep)))
        check(s(g.attrs["status"]) == "complete", "%s incomplete" % name)
        order = list(g.attrs.keys())
        check(order[-1] == "status", "%s: status is not the last attribute (%s)" % (name, order))
        seeds.setdefault(rep, set()).add(int(g.attrs["seed"]))
        for grp in ["metrics", "summary", "agents", "snapshots", "incidents", "teams"]:
            check(grp in g, "%s has no %s" % (name, grp))
    # The same seed for every arm (and pattern: same scenario seed) of a replicate; another
    # for each replicate.
    check(all(len(v) == 1 for v in seeds.values()), "seeds per replicate: %s" % seeds)
    check(len({next(iter(v)) for v in seeds.values()}) == 3, "replicates share a seed: %s" % seeds)

    # Patterns.
    pats = f["validation/patterns"]
    check(list(pats) == ["T1", "T2"], "patterns %s" % list(pats))
    t2 = pats["T2"]
    check(s(t2.attrs["title"]) == "A month of growth triples a company", "T2 title")
    check(s(t2.attrs["source"]) == "the test suite (false on purpose)", "T2 source")
    check(s(t2.attrs["question"]).startswith("Does a company growing"), "T2 question")
    check(int(t2.attrs["pass"]) == 0 and int(pats["T1"].attrs["pass"]) == 1, "pass flags")
    check(int(t2.attrs["seeds"]) == 3 and s(t2.attrs["arms"]) == "growth,steady", "seeds/arms")
    y = s(t2.attrs["scenario_yaml"])
    check("variants:" in y and "name: growth" in y and "replicates: 3" in y and "seed: 1" in y,
          "T2 scenario_yaml:\n" + y)
    check(list(t2["arms"]) == ["growth", "steady"], "arm groups %s" % list(t2["arms"]))
    check(int(t2["arms/steady"].attrs["index"]) == 1, "steady index")

    # The scorecard: every column, with units and description, one row per check.
    sc = f["validation/scorecard"]
    check(sorted(sc) == sorted(COLUMNS), "scorecard columns %s" % sorted(sc))
    for c in COLUMNS:
        check("units" in sc[c].attrs and s(sc[c].attrs["description"]) != "",
              "scorecard/%s lacks units or description" % c)
        check(sc[c].shape == (5,), "scorecard/%s shape %s" % (c, sc[c].shape))
    col = {c: (sc[c].asstr()[:] if sc[c].dtype.kind in "OSU" else sc[c][:]) for c in COLUMNS}
    check(list(col["pattern"]) == ["T1"] * 3 + ["T2"] * 2, "pattern column %s" % col["pattern"])
    check(list(col["arms"]) == ["base"] * 3 + ["growth,steady"] * 2, "arms %s" % col["arms"])
    check(list(col["as"]) == ["", "", "", "difference", "ratio"], "as %s" % col["as"])
    check(list(col["pass"]) == [1, 1, 1, 1, 0], "pass %s" % col["pass"])
    check(col["units"][0] == "people" and col["units"][4] == "", "units %s" % col["units"])
    check(np.isnan(col["welch_t"][0]) and np.isnan(col["target_max"][3]), "NaN where not applicable")
    check(col["welch_t_min"][3] == 2.0 and np.isnan(col["welch_t_max"][3]), "t bounds")

    # Recomputed from the runs: T1's last-day headcount, T2's growth/steady ratio of it.
    def last_headcount(i):
        return runs["r%06d" % i]["metrics/headcount"][-1]

    t1 = np.array([last_headcount(i) for i in range(3)])
    check(col["value"][0] == t1.mean() and col["n"][0] == 3, "T1 headcount %s vs %s"
          % (col["value"][0], t1))
    ratio = np.array([last_headcount(3 + 2 * k) / last_headcount(4 + 2 * k) for k in range(3)])
    check(abs(col["value"][4] - ratio.mean()) < 1e-12, "T2 ratio %s vs %s" % (col["value"][4], ratio))
    check(abs(col["sd"][4] - ratio.std(ddof=1)) < 1e-12, "T2 ratio sd")
    hires = [runs["r%06d" % i]["metrics/hires"][:].sum() for i in range(3, 9)]
    diff = np.array(hires[0::2]) - np.array(hires[1::2])
    check(abs(col["value"][3] - diff.mean()) < 1e-12, "T2 hires difference")
    g, st = np.array(hires[0::2]), np.array(hires[1::2])
    se = math.sqrt(g.var(ddof=1) / 3 + st.var(ddof=1) / 3)
    check(abs(col["welch_t"][3] - (g.mean() - st.mean()) / se) < 1e-9, "T2 Welch t")
    lo, hi = col["ci95_low"][3], col["ci95_high"][3]
    # t(0.975, 2) = 4.302652729911275
    half = 4.302652729911275 * diff.std(ddof=1) / math.sqrt(3)
    check(abs(lo - (diff.mean() - half)) < 1e-9 and abs(hi - (diff.mean() + half)) < 1e-9, "CI")

    # An arm's scenario, run with `trustsim run`, gives that arm's runs again.
    arm_yaml = os.path.join(tmp, "steady.yaml")
    with open(arm_yaml, "w") as w:
        w.write(s(t2["arms/steady"].attrs["scenario_yaml"]))
    again = os.path.join(tmp, "steady.h5")
    r = subprocess.run([binary, "run", arm_yaml, "-o", again, "--force", "--quiet"],
                       capture_output=True, text=True)
    check(r.returncode == 0, "run of the steady arm: %s" % r.stderr)
    with h5py.File(again, "r") as g2:
        check(len(g2["runs"]) == 3, "steady arm runs %d" % len(g2["runs"]))
        for k in range(3):
            a_run, b_run = runs["r%06d" % (4 + 2 * k)], g2["runs/r%06d" % k]
            check(int(a_run.attrs["seed"]) == int(b_run.attrs["seed"]), "seed of replicate %d" % k)
            for m in a_run["metrics"]:
                check(np.array_equal(a_run["metrics"][m][:], b_run["metrics"][m][:],
                                     equal_nan=True), "metric %s of replicate %d differs" % (m, k))
            for m in a_run["summary"]:
                x, z = a_run["summary"][m][()], b_run["summary"][m][()]
                check(x == z or (np.isnan(x) and np.isnan(z)), "summary %s differs" % m)
    f.close()
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
