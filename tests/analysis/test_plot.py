"""Test of analysis/plot.py (the figures of a results file): runs the binary on a small
sweep with an incident and snapshots, draws every figure, checks each PNG and PDF exists
and is not blank, that --run picks another run and --format the files written, that the t
quantile is right, and that a missing file, a bad --run, an unknown format and a file
without snapshots or sweep are handled; and the
scorecard of a validation file (`trustsim validate` on tests/fixtures/validation/tiny.yaml,
one pattern passing and one failing): its rows normalised against their targets, PASS and
FAIL drawn in their colours; and that malformed files (a summary that is a string, a 2-D
metric, no /runs, runs without status, a dangling link, a truncated file, ... each made
from a good file with h5py) end with exit 2 and one message naming the file and the
object, never a traceback, and that a figure that cannot be written ends with exit 1; and
that the labels of many grid points (the tactics scenario's 21) become numbered ticks
that do not overlap with a key under the panels, and many series stay apart in style and
legend.
Run by ctest from the project root as: python3 test_plot.py BINARY TMPDIR."""
import contextlib
import io
import os
import shutil
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.image  # noqa: E402
import numpy as np  # noqa: E402
import h5py  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLOT = os.path.join(ROOT, "analysis", "plot.py")
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

SCENARIO = """\
name: plottest
days: 60
replicates: 2
domains: [design, debugging, people]
org: {headcount: 40, warmup_days: 20}
events:
  - {day: 10, kind: incident, domain: debugging, work_hours: 300, responders: 8, workstreams: 3}
output: {snapshot_every: 20, snapshot_agents: 40}
sweep:
  culture.safety: [0.6, 0.9]
"""

# One run, no sweep, no snapshots, no incident: the snapshot and sweep figures are skipped.
PLAIN = """\
name: plain
days: 30
domains: [design, debugging]
org: {headcount: 30, warmup_days: 10}
output: {snapshot_every: 0}
"""

RUN_FIGURES = ["headcount_coverage", "escalations_deep_dives", "leader_time",
               "output_per_head", "trust_distribution", "team_trust"]
SWEEP_FIGURES = ["summary", "incident_vs_trust", "trust_trajectories"]


def fail(msg):
    print("FAIL: " + msg)
    print("0 passed, 1 failed")
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def plot(*args):
    return subprocess.run([PY, PLOT] + list(args), capture_output=True, text=True)


def check_png(path):
    img = matplotlib.image.imread(path)
    check(img.ndim == 3 and img.shape[0] > 200 and img.shape[1] > 200,
          "%s: shape %s" % (path, img.shape))
    rgb = img[..., :3].astype(float)
    check(float(rgb.std()) > 0.01, "%s is blank (std %.4f)" % (path, rgb.std()))
    check(not np.all(rgb > 0.99), "%s is all white" % path)
    # Something dark was drawn: axes, text, lines.
    check(np.mean(rgb < 0.3) > 0.001, "%s has almost no dark pixels" % path)


def check_pdf(path):
    with open(path, "rb") as f:
        data = f.read()
    check(data.startswith(b"%PDF"), "%s is not a PDF" % path)
    check(len(data) > 2000, "%s is too small (%d bytes)" % (path, len(data)))


def run_binary(binary, tmp, name, text):
    scen = os.path.join(tmp, name + ".yaml")
    out = os.path.join(tmp, name + ".h5")
    with open(scen, "w") as f:
        f.write(text)
    subprocess.run([binary, "run", scen, "-o", out, "--force", "--quiet"], check=True)
    return out


def test_t_quantile():
    sys.path.insert(0, os.path.join(ROOT, "analysis"))
    import plot as p  # noqa: E402

    # Tabulated two-sided 95 % quantiles of Student's t.
    for df, q in [(1, 12.706), (2, 4.303), (4, 2.776), (9, 2.262), (29, 2.045), (120, 1.980)]:
        check(abs(p.t_quantile(0.975, df) - q) < 1e-3, "t quantile df %d: %.4f vs %.3f"
              % (df, p.t_quantile(0.975, df), q))
    m, lo, hi, n = p.mean_ci95([1.0, 2.0, 3.0, 4.0, float("nan")])
    # mean 2.5, sd 1.291, n 4: half width 3.182 * 1.291 / 2 = 2.054
    check(n == 4 and abs(m - 2.5) < 1e-12 and abs(hi - m - 2.054) < 2e-3 and
          abs(m - lo - 2.054) < 2e-3, "mean_ci95 %s" % ((m, lo, hi, n),))
    m, lo, hi, n = p.mean_ci95([5.0])
    check(m == 5.0 and np.isnan(lo) and np.isnan(hi) and n == 1, "one replicate: no CI")


def test_nan_mean():
    """The mean over runs of a day on which no run has a value is NaN, without a warning
    (a run without a warm-up has no trust on day 0); NaN is left out, infinity is not."""
    sys.path.insert(0, os.path.join(ROOT, "analysis"))
    import plot as p  # noqa: E402
    import warnings

    nan = float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        days = p.nan_mean(np.array([[nan, 1.0, 2.0], [nan, 3.0, nan]]), axis=0)
        check(np.isnan(days[0]) and days[1] == 2.0 and days[2] == 2.0, "nan_mean %s" % days)
        check(np.isnan(p.nan_mean([nan, nan])), "nan_mean of NaN only")
        check(p.nan_mean([1.0, float("inf"), nan]) == float("inf"), "nan_mean with inf")
        check(p.nan_mean([1.0, 2.0, nan]) == 1.5, "nan_mean %s" % p.nan_mean([1.0, 2.0, nan]))


def test_normaliser():
    sys.path.insert(0, os.path.join(ROOT, "analysis"))
    import plot as p  # noqa: E402

    nan = float("nan")

    def row(v, lo, hi):
        return {"value": v, "ci95_low": v - 0.1, "ci95_high": v + 0.1, "target_min": lo,
                "target_max": hi}

    # Two-sided [0.15, 0.45]: the bounds at 0 and 1, 0.3717 at (0.3717 - 0.15) / 0.3.
    fn, ext = p.normaliser(row(0.3717, 0.15, 0.45))
    check(ext == (0.0, 1.0) and abs(fn(0.3717) - 0.739) < 1e-12 and fn(0.15) == 0.0,
          "two-sided normaliser %s %s" % (ext, fn(0.3717)))
    # At least 0.5: the bound at 0, 0.75 is half as much again.
    fn, ext = p.normaliser(row(0.75, 0.5, nan))
    check(ext[0] == 0.0 and ext[1] == float("inf") and abs(fn(0.75) - 0.5) < 1e-12,
          "min normaliser")
    # At most 0.15: the bound at 1, 0.3 is one bound's worth above it.
    fn, ext = p.normaliser(row(0.3, nan, 0.15))
    check(ext[1] == 1.0 and abs(fn(0.3) - 2.0) < 1e-12 and abs(fn(0.075) - 0.5) < 1e-12,
          "max normaliser")
    # At most -2.5 (a decrease): the share of |bound|.
    fn, ext = p.normaliser(row(-5.0, nan, -2.5))
    check(abs(fn(-5.0) - 0.0) < 1e-12, "negative bound normaliser %s" % fn(-5.0))
    # A bound of 0: the size of the values instead (value 0.4, CI up to 0.5).
    fn, ext = p.normaliser(row(0.4, 0.0, nan))
    check(abs(fn(0.4) - 0.8) < 1e-12, "zero bound normaliser %s" % fn(0.4))


class _Grid:
    """What label_points reads of a results file: a sweep over the given grid."""

    def __init__(self, grid):
        sys.path.insert(0, os.path.join(ROOT, "analysis"))
        import plot as p  # noqa: E402
        self.grid = grid
        self.n_points = len(next(iter(grid.values())))
        self._p = p

    def point_label(self, p, short=False):
        return self._p.Results.point_label(self, p, short)


def _boxes(fig, artists):
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    return [a.get_window_extent(r) for a in artists]


def test_point_labels():
    """A sweep figure's grid points: two short labels stay under their ticks; the 21 of the
    tactics scenario no longer fit side by side, so the ticks carry numbers, none running
    into the next, and a key under the panels names every point without covering them.
    Series and legends of many grid points stay apart."""
    sys.path.insert(0, os.path.join(ROOT, "analysis"))
    import plot as p  # noqa: E402
    import matplotlib.pyplot as plt  # noqa: E402

    def summary_like(res, ncols=3, nrows=2):
        fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 2.9 * nrows + 0.8),
                                 squeeze=False)
        flat = [a for row in axes for a in row]
        for ax in flat:
            ax.plot(np.arange(res.n_points), np.arange(res.n_points), "o")
        fig.suptitle("title")
        return fig, flat

    few = _Grid({"culture.safety": [0.6, 0.9]})
    fig, axes = summary_like(few)
    check(not p.label_points(fig, axes, few, 0.96), "two points: a key was drawn")
    texts = [t.get_text() for t in axes[0].get_xticklabels()]
    check(texts == ["0\nsafety=0.6", "1\nsafety=0.9"], "two points: ticks %s" % texts)
    plt.close(fig)

    names = ["none", "one_on_ones", "feedback", "broadcast", "trial_tasks", "status_updates",
             "inspection_forums", "coffee_chats", "transitive_trust", "ask_for_help",
             "onboarding", "offsites", "repair", "leader_vulnerability", "understanding",
             "shared_goals", "trenches", "hated_tasks", "overview_listening", "commiserate",
             "declare_limits"]
    many = _Grid({"variant": names})
    fig, axes = summary_like(many)
    height = fig.get_size_inches()[1]
    key_texts = p.label_points(fig, axes, many, 0.96)
    texts = [t.get_text() for t in axes[0].get_xticklabels()]
    check(texts == [str(i) for i in range(21)], "21 points: ticks %s" % texts[:3])
    for ax in axes:
        ticks = _boxes(fig, [t for t in ax.get_xticklabels() if t.get_text()])
        check(all(a.x1 <= b.x0 for a, b in zip(ticks, ticks[1:])), "21 points: ticks overlap")
    key = [t.get_text() for t in key_texts]
    check(key[0] == "grid points (variant)" and
          key[1:] == ["%d  %s" % (i, n) for i, n in enumerate(names)],
          "21 points: key %s" % key[:3])
    check(fig.get_size_inches()[1] > height, "the key did not add height")
    lowest = min(b.y0 for b in _boxes(fig, [ax for ax in axes]))
    lowest_tick = min(b.y0 for ax in axes
                      for b in _boxes(fig, [t for t in ax.get_xticklabels() if t.get_text()]))
    key_boxes = _boxes(fig, key_texts)
    check(all(b.y1 < min(lowest, lowest_tick) for b in key_boxes),
          "the key runs into the panels")
    check(all(a.x1 <= b.x0 or a.y1 <= b.y0 or b.y1 <= a.y0 or b.x1 <= a.x0
              for i, a in enumerate(key_boxes) for b in key_boxes[i + 1:]),
          "entries of the key overlap")
    plt.close(fig)

    # 40 points of three swept keys (scenarios/ai_teammates.yaml): numbers that would crowd
    # are thinned to every k-th, from 0; the key gives every point all three values.
    grid = {"population.ai.per_team": [], "population.ai.hallucination": [],
            "population.ai.admits_uncertainty": []}
    for n in (0, 1, 2, 4):
        for h in (0, 0.02, 0.05, 0.1, 0.2):
            for a in (0, 0.8):
                grid["population.ai.per_team"].append(n)
                grid["population.ai.hallucination"].append(h)
                grid["population.ai.admits_uncertainty"].append(a)
    forty = _Grid(grid)
    fig, axes = summary_like(forty)
    key_texts = p.label_points(fig, axes, forty, 0.96)
    texts = [t.get_text() for t in axes[0].get_xticklabels()]
    shown = [i for i, t in enumerate(texts) if t]
    step = shown[1] - shown[0] if len(shown) > 1 else 0
    check(len(texts) == 40 and shown[0] == 0 and step > 1 and
          shown == list(range(0, 40, step)) and all(texts[i] == str(i) for i in shown),
          "40 points: ticks %s" % texts)
    ticks = _boxes(fig, [t for t in axes[0].get_xticklabels() if t.get_text()])
    check(all(a.x1 <= b.x0 for a, b in zip(ticks, ticks[1:])), "40 points: ticks overlap")
    check([t.get_text() for t in key_texts][1:4] ==
          ["0  per_team=0, hallucination=0, admits_uncertainty=0",
           "1  per_team=0, hallucination=0, admits_uncertainty=0.8",
           "2  per_team=0, hallucination=0.02, admits_uncertainty=0"],
          "40 points: key %s" % [t.get_text() for t in key_texts][:4])
    plt.close(fig)

    # Series: up to 8 in greys as before; more take colours, and shapes stay distinct.
    styles = [tuple(str(v) for v in sorted(p.line_kw(i, n_series=21).items()))
              for i in range(21)]
    check(len(set(styles)) == 21, "21 series share a style")
    shapes = {(p.line_kw(i, n_series=32)["linestyle"], p.line_kw(i, n_series=32)["marker"])
              for i in range(32)}
    check(len(shapes) == 32, "32 series: %d shapes" % len(shapes))
    lines = {(p.line_kw(i)["color"], p.line_kw(i)["linestyle"]) for i in range(8)}
    check(len(lines) == 8, "8 series: %d of grey and dash" % len(lines))
    check(p.line_kw(3, n_series=4)["color"] == p.GREYS[3] and
          p.line_kw(3, n_series=4) == p.line_kw(3), "few series: not the greys")
    # A long legend goes beside the axes, a short one stays inside.
    for n, inside in [(21, False), (3, True)]:
        fig, ax = plt.subplots()
        for i in range(n):
            ax.plot([0, 1], [i, i], label="%d: variant=%s" % (i, names[i]),
                    **p.line_kw(i, n_series=n))
        p.grid_legend(ax, n)
        leg, axb = _boxes(fig, [ax.get_legend(), ax])
        check((leg.x0 >= axb.x1) != inside, "legend of %d entries: %s against axes %s"
              % (n, leg, axb))
        plt.close(fig)


def test_scorecard(binary, tmp):
    out = os.path.join(tmp, "scorecard.h5")
    patterns = os.path.join(ROOT, "tests", "fixtures", "validation", "tiny.yaml")
    r = subprocess.run([binary, "validate", patterns, "-o", out, "--force", "--quiet"],
                       capture_output=True, text=True)
    check(r.returncode == 1, "validate: exit %d %s" % (r.returncode, r.stderr))
    figs = os.path.join(tmp, "scorecard_figs")
    r = plot_in(out, "-o", figs)
    check(r.returncode == 0, "scorecard: %s" % r.stderr)
    listed = r.stdout.split()
    base = os.path.join(figs, "scorecard-validation-scorecard")
    check(listed == [base + ".png", base + ".pdf"], "scorecard files listed: %s" % listed)
    check_png(base + ".png")
    check_pdf(base + ".pdf")
    check("per-run figures with --run" in r.stderr, "validation note: %r" % r.stderr)
    # --format: each format asked for once, in the order given.
    shutil.rmtree(figs + "_svg", ignore_errors=True)
    r = plot_in(out, "-o", figs + "_svg", "--format", "svg,pdf,svg")
    listed = r.stdout.split()
    svg_base = os.path.join(figs + "_svg", "scorecard-validation-scorecard")
    check(r.returncode == 0 and listed == [svg_base + ".svg", svg_base + ".pdf"],
          "--format svg,pdf,svg listed %s (%s)" % (listed, r.stderr))
    with open(svg_base + ".svg") as fh:
        check("<svg" in fh.read(4000), "%s.svg is not SVG" % svg_base)
    check_pdf(svg_base + ".pdf")
    # PASS in green and FAIL in red, both present (T1 passes, T2 fails).
    rgb = matplotlib.image.imread(base + ".png")[..., :3].astype(float)
    green = np.mean((rgb[..., 1] > 0.4) & (rgb[..., 0] < 0.25) & (rgb[..., 2] < 0.35))
    red = np.mean((rgb[..., 0] > 0.6) & (rgb[..., 1] < 0.3) & (rgb[..., 2] < 0.3))
    check(green > 1e-4 and red > 1e-4, "PASS/FAIL colours: green %.5f red %.5f" % (green, red))
    # --run adds that run's figures; a run that is not there is bad input.
    r = plot_in(out, "-o", figs, "--run", "r000004", "--format", "png")
    check(r.returncode == 0 and "scorecard-r000004-headcount_coverage.png" in r.stdout,
          "--run on a validation file: %s" % r.stderr)
    r = plot(out, "-o", figs, "--run", "r000099")
    check(r.returncode == 2 and "r000099" in r.stderr, "bad --run on a validation file")


# ---------------------------------------------------------------------------
# Malformed files: (name, source, change, what the message must say). Each is a copy of a
# good file changed with h5py; "r0" is /runs/r000000 and "s20" its first snapshot.

R0 = "/runs/r000000"
S20 = R0 + "/snapshots/d000020"


def _replace(f, path, data):
    del f[path]
    f[path] = data


def _set_attr(path, name, value):
    def change(f):
        f[path].attrs[name] = value
    return change


def _del_status(f):
    for g in f["runs"].values():
        del g.attrs["status"]


def _truncate(path):
    with open(path, "rb") as fh:
        data = fh.read()
    with open(path, "wb") as fh:
        fh.write(data[:len(data) // 3])


MALFORMED = [
    ("summary_string", "sweep", lambda f: _replace(f, R0 + "/summary/trust_final", "high"),
     [R0 + "/summary/trust_final is a string, expected a number"]),
    ("summary_array", "sweep", lambda f: _replace(f, R0 + "/summary/trust_final",
                                                  np.zeros(3)),
     [R0 + "/summary/trust_final is 1-D (shape (3,)), expected a scalar"]),
    ("summary_compound", "sweep",
     lambda f: _replace(f, R0 + "/summary/trust_final",
                        np.zeros((), dtype=[("a", "f8"), ("b", "i4")])),
     [R0 + "/summary/trust_final is a compound, expected a number"]),
    ("metric_2d", "sweep", lambda f: _replace(f, R0 + "/metrics/headcount", np.ones((61, 2))),
     [R0 + "/metrics/headcount is 2-D (shape (61, 2)), expected a 1-D series"]),
    ("metric_strings", "sweep",
     lambda f: _replace(f, R0 + "/metrics/headcount", np.array([b"x"] * 61)),
     [R0 + "/metrics/headcount is a string"]),
    ("metric_length", "sweep", lambda f: _replace(f, R0 + "/metrics/trust_mean", np.ones(10)),
     [R0 + "/metrics/trust_mean has 10 days, but " + R0 + "/metrics/acquaintances has 61"]),
    ("metrics_dataset", "sweep", lambda f: _replace(f, R0 + "/metrics", np.ones(3)),
     [R0 + "/metrics is a dataset, expected a group"]),
    ("dangling_link", "sweep",
     lambda f: (f[R0 + "/metrics"].__delitem__("coverage"),
                f[R0 + "/metrics"].__setitem__("coverage", h5py.SoftLink("/nowhere"))),
     [R0 + "/metrics/coverage is a link to /nowhere, which is not there"]),
    ("no_runs", "sweep", lambda f: f.__delitem__("runs"), ["/runs is missing"]),
    ("runs_dataset", "sweep", lambda f: _replace(f, "/runs", np.arange(3)),
     ["/runs is a dataset, expected a group"]),
    ("run_dataset", "sweep", lambda f: _replace(f, "/runs/r000001", np.arange(3)),
     ["/runs/r000001 is a dataset, expected a group"]),
    ("runs_without_status", "sweep", _del_status,
     ["/runs holds no complete run", R0 + " (no status)", "--resume"]),
    ("status_number", "sweep", _set_attr(R0, "status", 1),
     [R0 + " attribute status is 1, expected a string"]),
    ("grid_point_range", "sweep", _set_attr("/runs/r000001", "grid_point", 7),
     ["/runs/r000001 attribute grid_point is 7, expected 0 to 1"]),
    ("grid_point_text", "sweep", _set_attr("/runs/r000001", "grid_point", "one"),
     ["/runs/r000001 attribute grid_point is 'one', expected an integer"]),
    ("grid_short", "sweep", lambda f: _replace(f, "/sweep/grid/culture.safety", [0.6]),
     ["/sweep/grid/culture.safety has 1 values, expected 2"]),
    ("sweep_summary_dataset", "sweep",
     lambda f: f.__setitem__("/sweep/summary/trust_final", np.ones(2)),
     ["/sweep/summary/trust_final is a dataset, expected a group"]),
    ("snapshot_trust_scalar", "sweep", lambda f: _replace(f, S20 + "/trust", 0.5),
     [S20 + "/trust is a scalar, expected a dataset [edges]"]),
    ("team_trust_not_square", "sweep",
     lambda f: _replace(f, S20 + "/team_trust", np.ones((8, 3), dtype="f4")),
     [S20 + "/team_trust has shape (8, 3), expected a square"]),
    ("team_ids_length", "sweep",
     lambda f: _replace(f, S20 + "/team_ids", np.arange(3, dtype="u4")),
     [S20 + "/team_ids has 3 ids, expected 8"]),
    ("snapshot_day_text", "sweep", _set_attr(S20, "day", "late"),
     [S20 + " attribute day is 'late', expected an integer"]),
    ("incident_2d", "sweep",
     lambda f: _replace(f, R0 + "/incidents/start_day", np.zeros((1, 2), dtype="i4")),
     [R0 + "/incidents/start_day is 2-D (shape (1, 2))"]),
    ("scenario_name_number", "plain", _set_attr("/", "scenario_name", 5),
     ["/ attribute scenario_name is 5, expected a string"]),
    ("scorecard_no_value", "scorecard",
     lambda f: f["validation/scorecard"].__delitem__("value"),
     ["/validation/scorecard/value is missing"]),
    ("scorecard_rows", "scorecard",
     lambda f: _replace(f, "validation/scorecard/pass", np.ones(1, dtype="u1")),
     ["/validation/scorecard/pass has 1 rows, but /validation/scorecard/pattern has"]),
    ("scorecard_text", "scorecard",
     lambda f: _replace(f, "validation/scorecard/check",
                        np.arange(f["validation/scorecard/check"].shape[0])),
     ["/validation/scorecard/check is of type int64, expected strings"]),
]


def plot_in(*args):
    """plot.py's main in this process, without an interpreter's start-up and matplotlib's
    import at every call: what plot() gives (returncode, stdout, stderr). An exception that
    escapes main would be a traceback, so it fails the test. The tests of exit statuses
    and messages for bad input use plot(), the real process."""
    sys.path.insert(0, os.path.join(ROOT, "analysis"))
    import plot as p  # noqa: E402

    out, err = io.StringIO(), io.StringIO()
    code, raised = None, None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = p.main(list(args))
        except Exception as e:  # noqa: BLE001
            raised = e
    if raised is not None:
        fail("%s: plot.py raised %s: %s" % (args, type(raised).__name__, raised))
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def plot_here(path, *extra):
    """plot_in on path into figs/ beside it: (exit status, stdout, stderr)."""
    r = plot_in(path, "-o", os.path.join(os.path.dirname(path), "figs"), *extra)
    return r.returncode, r.stdout, r.stderr


def test_malformed(tmp, sources):
    d = os.path.join(tmp, "malformed")
    shutil.rmtree(d, ignore_errors=True)  # left by an earlier run of the test
    os.makedirs(d)
    for name, source, change, needs in MALFORMED:
        path = os.path.join(d, name + ".h5")
        shutil.copyfile(sources[source], path)
        with h5py.File(path, "r+") as f:
            change(f)
        code, out, err = plot_here(path)
        check(code == 2, "%s: exit %d, expected 2 (stderr: %r)" % (name, code, err))
        check(err.startswith("plot.py: %s: " % path) and err.count("\n") == 1,
              "%s: not one message naming the file: %r" % (name, err))
        for n in needs:
            check(n in err, "%s: %r not in %r" % (name, n, err))
        check(out == "", "%s: figures listed: %r" % (name, out))
    # None of them left a figure, though some were found malformed after figures were drawn.
    figs = os.path.join(d, "figs")
    if os.path.exists(figs):
        fail("malformed files left figures: %s" % sorted(os.listdir(figs)))

    # Not malformed: the first run lacks trust_mean (the incident figure takes its units
    # from the runs that have it, and the trust figures are skipped for that run).
    path = os.path.join(d, "first_without_trust_mean.h5")
    shutil.copyfile(sources["sweep"], path)
    with h5py.File(path, "r+") as f:
        del f[R0 + "/metrics/trust_mean"]
    code, out, err = plot_here(path, "--format", "png")
    check(code == 0 and "incident_vs_trust" in out, "first run without trust_mean: %d %r"
          % (code, err))

    # Files that are not (whole) HDF5, and a directory: the real process, no traceback.
    empty = os.path.join(d, "empty.h5")
    open(empty, "wb").close()
    truncated = os.path.join(d, "truncated.h5")
    shutil.copyfile(sources["sweep"], truncated)
    _truncate(truncated)
    summary = os.path.join(d, "summary_string.h5")
    for path, need in [(empty, "cannot read as HDF5"), (truncated, "truncated.h5: "),
                       (d, "is a directory"),
                       (summary, R0 + "/summary/trust_final is a string, expected a number")]:
        r = plot(path)
        check(r.returncode == 2, "%s: exit %d (stderr %r)" % (path, r.returncode, r.stderr))
        check(path in r.stderr and need in r.stderr, "%s: message %r" % (path, r.stderr))
        check("Traceback" not in r.stderr, "%s: traceback %r" % (path, r.stderr))

    # A figure that cannot be written: exit 1, the path in the message, no traceback.
    blocker = os.path.join(d, "a_file")
    open(blocker, "w").close()
    r = plot(sources["plain"], "-o", os.path.join(blocker, "figs"))
    check(r.returncode == 1 and "cannot write" in r.stderr and blocker in r.stderr and
          "Traceback" not in r.stderr, "unwritable figures: %d %r" % (r.returncode, r.stderr))


SENSITIVITY = """\
name: senstest
days: 30
org: {headcount: 20, warmup_days: 5}
sensitivity:
  samples: 4
  metrics: [trust_final, output_per_head_mean, incident_coordination_hours]
  factors:
    culture.safety: [0.2, 0.9]
    population.competence.mean: [0.5, 0.85]
"""


def test_sensitivity(binary, tmp):
    """A sensitivity file: one figure per analysed metric (Morris, then Sobol'), none for a
    metric that was not analysed (no incident: no coordination hours), no sweep figures; a
    /sensitivity whose columns do not match its factors is refused with exit 2."""
    scen = os.path.join(tmp, "senstest.yaml")
    with open(scen, "w") as f:
        f.write(SENSITIVITY)
    for method in ("morris", "sobol"):
        out = os.path.join(tmp, "sens-%s.h5" % method)
        subprocess.run([binary, "sensitivity", scen, "-o", out, "--force", "--quiet",
                        "--method", method], check=True, capture_output=True)
        figdir = os.path.join(tmp, "sensfig")
        r = plot_in(out, "--outdir", figdir)
        check(r.returncode == 0, "plot.py on %s failed: %s" % (out, r.stderr))
        stem = "sens-%s-sensitivity-%s-" % (method, method)
        for metric_name in ("trust_final", "output_per_head_mean"):
            base = os.path.join(figdir, stem + metric_name)
            check(base + ".png" in r.stdout.split(), "%s.png not listed" % base)
            check_png(base + ".png")
            check_pdf(base + ".pdf")
        check(not any("incident_coordination_hours" in p for p in r.stdout.split()),
              "a figure for a metric that was not analysed")
        check("incident_coordination_hours: not analysed" in r.stderr,
              "no note for the metric that was not analysed: %s" % r.stderr)
        check(not any("-sweep-" in p for p in r.stdout.split()), "sweep figures of a design")
    bad = os.path.join(tmp, "sens-bad.h5")
    shutil.copy(os.path.join(tmp, "sens-morris.h5"), bad)
    with h5py.File(bad, "r+") as f:
        del f["sensitivity/trust_final/mu_star"]
        f["sensitivity/trust_final/mu_star"] = np.zeros(2)
    sensbad = os.path.join(tmp, "sensbad")
    shutil.rmtree(sensbad, ignore_errors=True)
    r = plot(bad, "--outdir", sensbad, "--format", "png")
    check(r.returncode == 2 and "/sensitivity/trust_final/mu_star has 2 values" in r.stderr
          and "Traceback" not in r.stderr, "a malformed /sensitivity: %s" % r.stderr)
    check(not os.path.exists(sensbad) and r.stdout == "",
          "a malformed /sensitivity left figures: %s" % r.stdout)
    # Found before any figure is drawn (in this process: count what reaches a Writer).
    sys.path.insert(0, os.path.join(ROOT, "analysis"))
    import plot as p  # noqa: E402
    drawn = []
    save = p.Writer.save
    p.Writer.save = lambda self, fig, name: (drawn.append(name), save(self, fig, name))[1]
    try:
        r = plot_in(bad, "--outdir", sensbad, "--format", "png")
    finally:
        p.Writer.save = save
    check(r.returncode == 2 and drawn == [] and not os.path.exists(sensbad),
          "a malformed /sensitivity: %d figures drawn first (%s)" % (len(drawn), drawn[:3]))


def test_calibration(binary, tmp):
    """A calibration file: the marginal and pairwise posterior figures, with and without the
    check's runs (without, they are all the file holds)."""
    scen = os.path.join(tmp, "caltest.yaml")
    with open(scen, "w") as f:
        f.write("name: caltest\ndays: 20\norg: {headcount: 20, warmup_days: 5}\n")
    targets = os.path.join(tmp, "caltest-targets.yaml")
    with open(targets, "w") as f:
        f.write("targets:\n  - {metric: trust_final, value: 0.45, sd: 0.02}\n"
                "parameters:\n  culture.safety: [0.2, 0.9]\n  trust.prior_mean: [0.4, 0.8]\n"
                "particles: 12\nmax_runs: 30\n")
    for n_check in ("3", "0"):
        out = os.path.join(tmp, "cal-%s.h5" % n_check)
        subprocess.run([binary, "calibrate", scen, "--targets", targets, "-o", out, "--force",
                        "--quiet", "--check-runs", n_check], check=True, capture_output=True)
        figdir = os.path.join(tmp, "calfig")
        r = plot_in(out, "--outdir", figdir)
        check(r.returncode == 0, "plot.py on %s failed: %s" % (out, r.stderr))
        for name in ("marginals", "pairs"):
            base = os.path.join(figdir, "cal-%s-calibration-%s" % (n_check, name))
            check(base + ".png" in r.stdout.split(), "%s.png not listed" % base)
            check_png(base + ".png")
            check_pdf(base + ".pdf")


def main():
    binary, tmp = sys.argv[1], os.path.join(sys.argv[2], "plot")
    os.makedirs(tmp, exist_ok=True)
    test_t_quantile()
    test_nan_mean()
    test_normaliser()
    test_point_labels()
    test_scorecard(binary, tmp)
    test_sensitivity(binary, tmp)
    test_calibration(binary, tmp)

    h5 = run_binary(binary, tmp, "plottest", SCENARIO)

    # --help works.
    r = plot("--help")
    check(r.returncode == 0 and "FILE.h5" in r.stdout and "--run" in r.stdout, "--help")

    # Default output directory: <dir of FILE>/figures.
    figdir = os.path.join(tmp, "figures")
    r = plot_in(h5)
    check(r.returncode == 0, "plot.py failed: %s" % r.stderr)
    listed = r.stdout.split()
    expected = ["plottest-r000000-%s" % n for n in RUN_FIGURES]
    expected += ["plottest-sweep-%s" % n for n in SWEEP_FIGURES]
    for base in expected:
        for ext in ("png", "pdf"):
            path = os.path.join(figdir, "%s.%s" % (base, ext))
            check(os.path.isfile(path), "%s not written (stderr: %s)" % (path, r.stderr))
            check(path in listed, "%s not listed on stdout" % path)
            (check_png if ext == "png" else check_pdf)(path)
    check(len(listed) == 2 * len(expected), "files listed: %s" % listed)

    # -o DIR, --run (another run of the sweep) and --format: only the format asked for.
    other = os.path.join(tmp, "other")
    shutil.rmtree(other, ignore_errors=True)  # left by an earlier run of the test
    r = plot_in(h5, "-o", other, "--run", "r000003", "--format", "png")
    check(r.returncode == 0, "--run r000003: %s" % r.stderr)
    expected = ["plottest-r000003-%s" % n for n in RUN_FIGURES]
    expected += ["plottest-sweep-%s" % n for n in SWEEP_FIGURES]
    listed = r.stdout.split()
    check(listed == [os.path.join(other, b + ".png") for b in expected],
          "--format png listed %s" % listed)
    check(sorted(os.listdir(other)) == sorted(os.path.basename(p) for p in listed),
          "--format png: files %s" % sorted(os.listdir(other)))
    for n in RUN_FIGURES:
        check_png(os.path.join(other, "plottest-r000003-%s.png" % n))
    # An unknown format is bad input: exit 2 naming the value and the formats, no figure.
    shutil.rmtree(os.path.join(tmp, "badformat"), ignore_errors=True)
    r = plot(h5, "-o", os.path.join(tmp, "badformat"), "--format", "png,jpeg")
    check(r.returncode == 2 and "'jpeg' is not a format" in r.stderr and "png, pdf, svg"
          in r.stderr and r.stdout == "" and not os.path.exists(os.path.join(tmp, "badformat")),
          "--format png,jpeg: %d %r" % (r.returncode, r.stderr))

    # A missing file: non-zero exit with a message, nothing on stdout.
    missing = os.path.join(tmp, "no_such_file.h5")
    r = plot(missing)
    check(r.returncode != 0, "missing file exit code %d" % r.returncode)
    check("no_such_file.h5" in r.stderr and "no such file" in r.stderr,
          "missing file message: %r" % r.stderr)
    check(r.stdout == "", "missing file wrote to stdout: %r" % r.stdout)

    # A file that is not HDF5.
    bogus = os.path.join(tmp, "bogus.h5")
    with open(bogus, "w") as f:
        f.write("not hdf5\n")
    r = plot(bogus)
    check(r.returncode == 2 and "bogus.h5" in r.stderr and "Traceback" not in r.stderr,
          "non-HDF5 file: %r" % r.stderr)

    # A run that does not exist.
    r = plot(h5, "-o", other, "--run", "r000099")
    check(r.returncode != 0 and "r000099" in r.stderr, "bad --run: %r" % r.stderr)

    # No snapshots, no incident, one grid point: those figures are skipped with a note.
    plain = run_binary(binary, tmp, "plain", PLAIN)
    r = plot_in(plain)
    check(r.returncode == 0, "plain file: %s" % r.stderr)
    names = [os.path.basename(p) for p in r.stdout.split()]
    for n in ["headcount_coverage", "escalations_deep_dives", "leader_time",
              "output_per_head", "trust_distribution"]:
        check("plain-r000000-%s.png" % n in names, "plain: %s missing (%s)" % (n, names))
    check(not any("team_trust" in n or "sweep" in n for n in names),
          "plain: unexpected figures %s" % names)
    check("skipping team trust heat map" in r.stderr and "no sweep figures" in r.stderr,
          "plain: skip notes: %r" % r.stderr)

    test_malformed(tmp, {"sweep": h5, "plain": plain,
                         "scorecard": os.path.join(tmp, "scorecard.h5")})

    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
