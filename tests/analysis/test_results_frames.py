"""Test of analysis/trustsim_results.py (a results file as pandas data frames): runs the
binary on a small sweep (2 grid points x 3 replicates, a number and a text swept, snapshots
on) under two seeds and checks every frame against the file read with h5py: one row per
complete run with the swept values of its grid point and every summary as stored, the
units; a metric in long format (runs x (days + 1) rows, day d = row d); the per-team,
per-agent and incident tables (rows = the sum of the runs' table lengths); the snapshot
edges and team trust of one day only, per-domain columns named by the domains; a run
without status left out everywhere; a sweep of `seed` and `days` (renamed column, series
of two lengths); a validation file's pattern and arm columns; ValueError with a message
naming the file and the object for a file that is not a results file, a malformed one, an
unknown metric (the metrics listed) and a day without a snapshot (the days listed); and
the command line: the runs table, CSV, exit 2 with one line on bad input.
Run by ctest from the project root as: python3 test_results_frames.py BINARY TMPDIR."""
import io
import math
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULE = os.path.join(ROOT, "analysis", "trustsim_results.py")
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
sys.path.insert(0, os.path.join(ROOT, "analysis"))
import trustsim_results as tr  # noqa: E402

# The scenario, as data: the expectations below are computed from these.
DAYS = 24
REPLICATES = 3
DOMAINS = ["design", "debugging", "people"]
SWEEP = {"culture.safety": [0.6, 0.9], "hiring.growth": ["exponential"]}
SNAPSHOT_EVERY = 8
SEEDS = [7, 3717]

N_POINTS = 1
for _vals in SWEEP.values():
    N_POINTS *= len(_vals)
N_RUNS = N_POINTS * REPLICATES


def point_values(p):
    """The swept values of grid point p: the cartesian product, last key fastest."""
    out, stride = {}, N_POINTS
    for k, vals in SWEEP.items():
        stride //= len(vals)
        out[k] = vals[(p // stride) % len(vals)]
    return out


def scenario(seed):
    sweep = "".join("  %s: [%s]\n" % (k, ", ".join(str(v) for v in vals))
                    for k, vals in SWEEP.items())
    return ("name: frames\nseed: %d\ndays: %d\nreplicates: %d\ndomains: [%s]\n"
            "org: {headcount: 36, warmup_days: 15}\n"
            "output: {snapshot_every: %d, snapshot_agents: 24}\nsweep:\n%s"
            % (seed, DAYS, REPLICATES, ", ".join(DOMAINS), SNAPSHOT_EVERY, sweep))


# A sweep of keys named like columns (seed) and of the run length: two series lengths.
SEED_DAYS = """\
name: seeddays
days: 6
org: {headcount: 20, warmup_days: 5}
output: {snapshot_every: 0}
sweep:
  seed: [1, 2]
  days: [6, 9]
"""

checks = 0


def fail(msg):
    print("FAIL: " + msg)
    print("%d passed, 1 failed" % checks)
    sys.exit(1)


def check(cond, msg):
    global checks
    if not cond:
        fail(msg)
    checks += 1


def same(a, b):
    """Equal numbers, NaN equal to NaN."""
    a, b = float(a), float(b)
    return (math.isnan(a) and math.isnan(b)) or a == b


def raises(fn, needs, kind=ValueError):
    """fn() raises `kind` (not a subclass of KeyError) whose message holds every string of
    `needs`; returns the message."""
    try:
        fn()
    except kind as e:
        msg = str(e)
        check(not isinstance(e, KeyError), "a KeyError: %r" % msg)
        check("\n" not in msg, "message on more than one line: %r" % msg)
        for n in needs:
            check(n in msg, "%r not in %r" % (n, msg))
        return msg
    except Exception as e:  # noqa: BLE001
        fail("%s raised %s: %s, expected %s" % (needs, type(e).__name__, e, kind.__name__))
    fail("no %s raised (expected one with %s)" % (kind.__name__, needs))


def run_binary(binary, tmp, name, text):
    scen, out = os.path.join(tmp, name + ".yaml"), os.path.join(tmp, name + ".h5")
    with open(scen, "w") as f:
        f.write(text)
    subprocess.run([binary, "run", scen, "-o", out, "--force", "--quiet"], check=True)
    return out


def grid_of(f):
    grid = {}
    for k, ds in f["sweep/grid"].items():
        grid[k] = list(ds.asstr()[:]) if ds.dtype.kind == "O" else [float(v) for v in ds[:]]
    return grid


def complete_runs(f):
    return sorted(n for n, g in f["runs"].items() if g.attrs.get("status") == "complete")


def test_runs(path, seed):
    df = tr.runs(path)
    with h5py.File(path, "r") as f:
        grid = grid_of(f)
        check(list(grid) == list(SWEEP), "grid keys %s" % list(grid))
        check(len(df) == N_RUNS, "seed %d: %d rows, expected %d grid points x %d replicates"
              % (seed, len(df), N_POINTS, REPLICATES))
        check(list(df.columns[:4]) == ["run", "grid_point", "replicate", "seed"],
              "first columns %s" % list(df.columns[:6]))
        check(list(df.columns[4:4 + len(SWEEP)]) == list(SWEEP),
              "swept columns %s" % list(df.columns))
        check(df["run"].tolist() == list(range(N_RUNS)), "run numbers %s" % df["run"].tolist())
        check(df["culture.safety"].dtype == np.float64 and
              df["hiring.growth"].map(type).eq(str).all(), "swept column types %s"
              % df.dtypes.to_dict())
        summaries = sorted(f["runs/r000000/summary"])
        check(list(df.columns[4 + len(SWEEP):]) == summaries,
              "summary columns %s" % list(df.columns))
        for _, row in df.iterrows():
            g = f["runs/r%06d" % row["run"]]
            p = int(g.attrs["grid_point"])
            # Runs are replicate-major: run N is grid point N % n_points.
            check(row["grid_point"] == p == row["run"] % N_POINTS and
                  row["replicate"] == g.attrs["replicate"] == row["run"] // N_POINTS,
                  "run %d: grid point / replicate" % row["run"])
            check(int(row["seed"]) == int(g.attrs["seed"]), "run %d seed" % row["run"])
            for k, v in point_values(p).items():
                check(row[k] == grid[k][p] == v, "run %d %s: %r, grid %r, sweep %r"
                      % (row["run"], k, row[k], grid[k][p], v))
            for s in summaries:
                check(same(row[s], g["summary"][s][()]), "run %d summary %s: %r vs %r"
                      % (row["run"], s, row[s], g["summary"][s][()]))
        for p in range(N_POINTS):
            sub = df[df["grid_point"] == p]
            check(len(sub) == REPLICATES and sorted(sub["replicate"]) == list(range(REPLICATES)),
                  "grid point %d: replicates %s" % (p, sub["replicate"].tolist()))
            for k, v in point_values(p).items():
                check((sub[k] == v).all(), "grid point %d %s %s" % (p, k, sub[k].tolist()))
        units = df.attrs["units"]
        check(sorted(units) == summaries, "units keys %s" % sorted(units))
        for s in summaries:
            check(units[s] == f["runs/r000000/summary"][s].attrs["units"], "units of %s" % s)
        check(units["trust_final"] == "trust score", "trust_final units %r" % units["trust_final"])
    # Common random numbers: the grid points of a replicate share its seed; replicates
    # differ.
    per_rep = df.groupby("replicate")["seed"].nunique()
    check((per_rep == 1).all() and df["seed"].nunique() == df["replicate"].nunique(),
          "seeds %s" % df["seed"].tolist())
    return df


def test_metric(path, runs_df):
    m = tr.metric(path, "trust_mean")
    check(len(m) == len(runs_df) * (DAYS + 1), "metric rows %d, expected %d runs x %d days"
          % (len(m), len(runs_df), DAYS + 1))
    check(list(m.columns) == ["run", "grid_point", "replicate"] + list(SWEEP) + ["day", "value"],
          "metric columns %s" % list(m.columns))
    check(m.attrs["units"]["value"] == "trust score" and m.attrs["metric"] == "trust_mean",
          "metric attrs %s" % m.attrs)
    with h5py.File(path, "r") as f:
        for run, sub in m.groupby("run"):
            series = f["runs/r%06d/metrics/trust_mean" % run][:]
            check(sub["day"].tolist() == list(range(DAYS + 1)), "run %d days" % run)
            check(np.array_equal(sub["value"].to_numpy(), series, equal_nan=True),
                  "run %d values" % run)
            rrow = runs_df[runs_df["run"] == run].iloc[0]
            for c in ["grid_point", "replicate"] + list(SWEEP):
                check((sub[c] == rrow[c]).all(), "run %d column %s" % (run, c))
        names = sorted(f["runs/r000000/metrics"])
    # Day d is row d: trust_final is trust_mean on the last day, day DAYS.
    last = m[m["day"] == DAYS].set_index("run")["value"]
    check(len(last) == len(runs_df) and all(
        same(last[r], t) for r, t in zip(runs_df["run"], runs_df["trust_final"])),
        "trust_mean on day %d is not trust_final" % DAYS)
    check(tr.metric_names(path) == names, "metric_names %s" % tr.metric_names(path))


def test_tables(path, runs_df):
    with h5py.File(path, "r") as f:
        names = ["r%06d" % r for r in runs_df["run"]]
        for part, fn in (("teams", tr.teams), ("agents", tr.agents),
                         ("incidents", tr.incidents)):
            df = fn(path)
            lengths = [next(iter(f["runs"][n][part].values())).shape[0] for n in names]
            check(len(df) == sum(lengths), "%s rows %d, expected %d" % (part, len(df),
                                                                       sum(lengths)))
            check(df.groupby("run").size().reindex(runs_df["run"], fill_value=0).tolist()
                  == lengths, "%s rows per run" % part)
        t = tr.teams(path)
        check(list(t.columns[:3 + len(SWEEP)]) ==
              ["run", "grid_point", "replicate"] + list(SWEEP), "teams columns %s"
              % list(t.columns))
        for n in names:
            run = int(n[1:])
            sub = t[t["run"] == run]
            for c in f["runs"][n]["teams"]:
                check(np.array_equal(sub[c].to_numpy(), f["runs"][n]["teams"][c][:],
                                     equal_nan=True), "teams %s of %s" % (c, n))
        check(t.attrs["units"]["trust_within"] == "trust score", "teams units")
        a = tr.agents(path)
        for i, d in enumerate(DOMAINS):
            check(np.array_equal(a[a["run"] == 0]["competence[%s]" % d].to_numpy(),
                                 f["runs/r000000/agents/competence"][:, i]),
                  "agents competence[%s]" % d)


def test_snapshots(path, runs_df):
    with h5py.File(path, "r") as f:
        days = sorted({int(s.attrs["day"]) for n in complete_runs(f)
                       for s in f["runs"][n]["snapshots"].values()})
        check(len(days) >= 2 and all(d % SNAPSHOT_EVERY == 0 for d in days),
              "snapshot days %s" % days)
        check(tr.snapshot_days(path) == days, "snapshot_days %s vs %s"
              % (tr.snapshot_days(path), days))
        for day in days:
            e = tr.edges(path, day)
            check(e.attrs["day"] == day, "edges day attr")
            rows = 0
            for n in complete_runs(f):
                s = f["runs"][n]["snapshots"]["d%06d" % day]
                sub = e[e["run"] == int(n[1:])]
                rows += s["from"].shape[0]
                check(np.array_equal(sub["from"].to_numpy(), s["from"][:]) and
                      np.array_equal(sub["to"].to_numpy(), s["to"][:]), "edges %s day %d"
                      % (n, day))
                for i, d in enumerate(DOMAINS):
                    check(np.array_equal(sub["trust[%s]" % d].to_numpy(), s["trust"][:, i]),
                          "edges trust[%s] %s day %d" % (d, n, day))
                check(np.array_equal(sub["integrity"].to_numpy(), s["integrity"][:]),
                      "edges integrity")
            check(len(e) == rows, "edges of day %d: %d rows, expected %d" % (day, len(e), rows))
            check(set(e["run"]) == set(runs_df["run"]), "edges runs")
            check(e.attrs["units"]["trust[debugging]"] == "trust score" and
                  e.attrs["units"]["from"] == "agent id", "edges units")
            check(list(e.columns[3 + len(SWEEP):5 + len(SWEEP)]) == ["from", "to"],
                  "edges columns %s" % list(e.columns))
            tt = tr.team_trust(path, day)
            k2 = 0
            for n in complete_runs(f):
                s = f["runs"][n]["snapshots"]["d%06d" % day]
                ids, mat = s["team_ids"][:], s["team_trust"][:]
                k2 += ids.size ** 2
                sub = tt[tt["run"] == int(n[1:])]
                check(np.array_equal(sub["trust"].to_numpy(), mat.reshape(-1).astype(float),
                                     equal_nan=True), "team_trust %s day %d" % (n, day))
                a, b = ids.size // 2, ids.size - 1
                row = sub[(sub["from_team"] == ids[a]) & (sub["to_team"] == ids[b])]
                check(len(row) == 1 and same(row["trust"].iloc[0], mat[a, b]),
                      "team_trust (%d, %d) of %s" % (a, b, n))
            check(len(tt) == k2, "team_trust rows %d, expected %d" % (len(tt), k2))
        # Two days give different tables: the filter is by day.
        e0, e1 = tr.edges(path, days[0]), tr.edges(path, days[-1])
        check(len(e0) != len(e1) or not np.array_equal(e0["trust[design]"], e1["trust[design]"]),
              "edges of days %d and %d are the same" % (days[0], days[-1]))
        missing = days[0] + 1
        raises(lambda: tr.edges(path, missing),
               [path, "no snapshot of day %d" % missing, "d%06d" % missing,
                ", ".join(str(d) for d in days)])
        raises(lambda: tr.team_trust(path, missing), [path, ", ".join(str(d) for d in days)])
        raises(lambda: tr.edges(path, "late"), [path, "integer", "late"])


def test_incomplete(path, tmp):
    """A run without status (an interrupted run) is in no frame."""
    copy = os.path.join(tmp, "incomplete.h5")
    shutil.copyfile(path, copy)
    # No status, and a status other than "complete": both are not complete.
    with h5py.File(copy, "r+") as f:
        del f["runs/r000004"].attrs["status"]
        f["runs/r000001"].attrs["status"] = "running"
    gone = {1, 4}
    left = set(range(N_RUNS)) - gone
    df = tr.runs(copy)
    check(len(df) == N_RUNS - len(gone) and set(df["run"]) == left, "incomplete runs in runs()")
    check(set(tr.metric(copy, "headcount")["run"]) == left, "incomplete runs in metric()")
    check(set(tr.teams(copy)["run"]) == left and
          set(tr.edges(copy, tr.snapshot_days(copy)[0])["run"]) == left,
          "incomplete runs in teams()/edges()")
    # No complete run at all.
    shutil.copyfile(path, copy)
    with h5py.File(copy, "r+") as f:
        for g in f["runs"].values():
            del g.attrs["status"]
    raises(lambda: tr.runs(copy), [copy, "no complete run", "--resume"])


def test_seed_days(binary, tmp):
    path = run_binary(binary, tmp, "seeddays", SEED_DAYS)
    df = tr.runs(path)
    check("sweep.seed" in df.columns and "days" in df.columns, "columns %s" % list(df.columns))
    # A run's seed follows its point's own seed (and its replicate): the same for the two
    # points of seed 1, another for the two of seed 2.
    check(df["seed"].dtype == np.uint64 and
          (df.groupby("sweep.seed")["seed"].nunique() == 1).all() and df["seed"].nunique() == 2,
          "run seeds %s" % df["seed"].tolist())
    check(df["sweep.seed"].tolist() == [1.0, 1.0, 2.0, 2.0] and
          df["days"].tolist() == [6.0, 9.0, 6.0, 9.0], "swept seed/days %s" % df)
    m = tr.metric(path, "headcount")
    expected = int(sum(d + 1 for d in df["days"]))
    check(len(m) == expected, "metric rows %d, expected %d (days of each run + 1)"
          % (len(m), expected))
    check("sweep.seed" in m.columns, "metric columns %s" % list(m.columns))
    raises(lambda: tr.edges(path, 5), [path, "no complete run has a snapshot"])


def test_validation(binary, tmp):
    out = os.path.join(tmp, "validation.h5")
    patterns = os.path.join(ROOT, "tests", "fixtures", "validation", "tiny.yaml")
    r = subprocess.run([binary, "validate", patterns, "-o", out, "--force", "--quiet"],
                       capture_output=True, text=True)
    check(r.returncode in (0, 1) and os.path.exists(out), "validate: %s" % r.stderr)
    df = tr.runs(out)
    with h5py.File(out, "r") as f:
        names = complete_runs(f)
        check(len(df) == len(names), "validation runs %d vs %d" % (len(df), len(names)))
        check(list(df.columns[:6]) == ["run", "grid_point", "replicate", "pattern", "arm",
                                       "seed"], "validation columns %s" % list(df.columns))
        for _, row in df.iterrows():
            g = f["runs/r%06d" % row["run"]]
            check(row["pattern"] == g.attrs["pattern"] and row["arm"] == g.attrs["arm"],
                  "run %d pattern/arm" % row["run"])
        days = {p: int(f["runs"][n]["metrics/headcount"].shape[0]) for p, n in
                ((f["runs"][n].attrs["pattern"], n) for n in names)}
    m = tr.metric(out, "headcount")
    check(set(m.columns) >= {"pattern", "arm", "day", "value"}, "validation metric columns")
    check(len(m) == sum(days[p] for p in df["pattern"]), "validation metric rows")


def test_errors(path, tmp):
    raises(lambda: tr.metric(path, "trust_meen"),
           [path, "trust_meen", "did you mean trust_mean", "available:", "headcount",
            "coverage"])
    raises(lambda: tr.metric(path, "summary/trust_final"), [path, "available:"])
    raises(lambda: tr.runs(os.path.join(tmp, "no_such.h5")), ["no_such.h5", "no such file"],
           kind=FileNotFoundError)
    text = os.path.join(tmp, "not_hdf5.h5")
    with open(text, "w") as fh:
        fh.write("name: not a results file\n")
    raises(lambda: tr.runs(text), [text, "not an HDF5 file"])
    raises(lambda: tr.runs(tmp), [tmp, "directory"])
    other = os.path.join(tmp, "other.h5")
    with h5py.File(other, "w") as f:
        f["data"] = np.arange(3)
    for fn in (tr.runs, tr.teams, lambda p: tr.metric(p, "trust_mean"),
               lambda p: tr.edges(p, 8)):
        raises(lambda: fn(other), [other, "not a trustsim results file", "/runs"])
    truncated = os.path.join(tmp, "truncated.h5")
    with open(path, "rb") as fh:
        data = fh.read()
    with open(truncated, "wb") as fh:
        fh.write(data[:len(data) // 3])
    raises(lambda: tr.runs(truncated), [truncated, "truncated"])

    # Malformed copies: the message names the object.
    def malformed(name, change, fn, needs):
        p = os.path.join(tmp, name + ".h5")
        shutil.copyfile(path, p)
        with h5py.File(p, "r+") as f:
            change(f)
        raises(lambda: fn(p), [p] + needs)

    def replace(where, data):
        def change(f):
            del f[where]
            f[where] = data
        return change

    malformed("summary_string", replace("runs/r000001/summary/trust_final", "high"), tr.runs,
              ["/runs/r000001/summary/trust_final is a string, expected a number"])
    malformed("metric_2d", replace("runs/r000002/metrics/headcount", np.ones((3, 2))),
              lambda p: tr.metric(p, "headcount"),
              ["/runs/r000002/metrics/headcount is 2-D"])
    malformed("team_rows", replace("runs/r000000/teams/safety", np.ones(1)), tr.teams,
              ["/runs/r000000/teams/safety has 1 rows"])
    malformed("grid_point", lambda f: f["runs/r000001"].attrs.__setitem__("grid_point", 9),
              tr.runs, ["/runs/r000001 attribute grid_point is 9, expected 0 to %d"
                        % (N_POINTS - 1)])
    malformed("dangling", lambda f: (f["runs/r000000/metrics"].__delitem__("coverage"),
                                     f["runs/r000000/metrics"].__setitem__(
                                         "coverage", h5py.SoftLink("/nowhere"))),
              lambda p: tr.metric(p, "coverage"), ["/runs/r000000/metrics/coverage", "/nowhere"])
    malformed("grid_short", replace("sweep/grid/culture.safety", [0.6]), tr.runs,
              ["/sweep/grid"])


def test_cli(path, tmp):
    def cli(*args):
        return subprocess.run([PY, MODULE] + list(args), capture_output=True, text=True)

    r = cli(path)
    check(r.returncode == 0 and r.stderr == "", "cli runs: %d %r" % (r.returncode, r.stderr))
    lines = r.stdout.splitlines()
    check(len(lines) == N_RUNS + 1 and lines[0].split()[:4] == ["run", "grid_point",
                                                               "replicate", "seed"],
          "cli runs table: %r" % lines[:2])
    out = os.path.join(tmp, "runs.csv")
    r = cli(path, "--csv", out)
    back = pd.read_csv(out)
    df = tr.runs(path)
    check(r.returncode == 0 and list(back.columns) == list(df.columns) and
          np.allclose(back["trust_final"], df["trust_final"], rtol=1e-12, equal_nan=True),
          "cli --csv: %r" % r.stderr)
    r = cli(path, "--metric", "headcount", "--csv", "-")
    back = pd.read_csv(io.StringIO(r.stdout))
    check(r.returncode == 0 and len(back) == N_RUNS * (DAYS + 1) and
          list(back.columns)[-2:] == ["day", "value"], "cli --metric --csv -")
    for args, needs in [((path, "--metric", "trust_meen"), [path, "did you mean trust_mean"]),
                        ((os.path.join(tmp, "no_such.h5"),), ["no such file"]),
                        ((os.path.join(tmp, "not_hdf5.h5"),), ["not an HDF5 file"]),
                        ((path, "--bogus"), ["--bogus"]),
                        ((), ["FILE.h5"])]:
        r = cli(*args)
        check(r.returncode == 2, "cli %s: exit %d" % (args, r.returncode))
        check(r.stderr.startswith("trustsim_results.py: ") and r.stderr.count("\n") == 1 and
              all(n in r.stderr for n in needs) and "Traceback" not in r.stderr,
              "cli %s: message %r" % (args, r.stderr))
        check(r.stdout == "", "cli %s wrote %r" % (args, r.stdout))
    r = cli(path, "--csv", os.path.join(tmp, "no_dir", "x", "runs.csv"))
    check(r.returncode == 1 and "cannot write" in r.stderr and "Traceback" not in r.stderr,
          "cli unwritable CSV: %d %r" % (r.returncode, r.stderr))
    # The module needs numpy, pandas and h5py only.
    r = subprocess.run([PY, "-c", "import sys; sys.path.insert(0, %r); import trustsim_results;"
                        " print('matplotlib' in sys.modules)" % os.path.dirname(MODULE)],
                       capture_output=True, text=True)
    check(r.stdout.strip() == "False", "importing pulls in matplotlib: %r" % r.stdout)


def main():
    binary, tmp = sys.argv[1], os.path.join(sys.argv[2], "frames")
    os.makedirs(tmp, exist_ok=True)
    files = []
    for seed in SEEDS:
        path = run_binary(binary, tmp, "frames_seed%d" % seed, scenario(seed))
        runs_df = test_runs(path, seed)
        test_metric(path, runs_df)
        test_tables(path, runs_df)
        test_snapshots(path, runs_df)
        files.append((path, runs_df))
    # Different scenario seeds give different runs.
    check(not files[0][1]["seed"].equals(files[1][1]["seed"]) and
          not np.array_equal(files[0][1]["trust_final"], files[1][1]["trust_final"]),
          "the two scenario seeds gave the same runs")
    path = files[0][0]
    test_incomplete(path, tmp)
    test_seed_days(binary, tmp)
    test_validation(binary, tmp)
    test_errors(path, tmp)
    test_cli(path, tmp)
    print("%d passed, 0 failed" % checks)


if __name__ == "__main__":
    main()
