#!/usr/bin/python3
"""Figures from a trustsim results file (docs/output.md describes its layout).

    /usr/bin/python3 analysis/plot.py FILE.h5 [-o DIR] [--run rNNNNNN] [--format LIST]

For one run (grid point 0, replicate 0 unless --run says otherwise): headcount and
coverage, escalations and deep dives per decision, leaders' hours in and on the system,
output per head, the distribution of trust over time and the team-by-team trust heat map.
For a sweep (more than one grid point): the summary metrics of each grid point with 95 %
confidence intervals against the baseline (grid point 0), incident days against the
trust before the incident, and trust trajectories per grid point (for
scenarios/pyramid.yaml also the pyramid's layers per grid point). For a validation file
(`trustsim validate`): the scorecard, one row per check, the measure's mean and CI against
its target, PASS/FAIL (per-run figures only with --run).

Each figure is written as PNG and PDF (or the formats of --format: png, pdf, svg) to DIR
(default: a `figures` directory next to FILE), named <file stem>-<run or sweep>-<figure>.
A figure whose data is absent is skipped with a note on stderr. A file whose layout
departs from docs/output.md where the figures read it ends with one message naming the
file and the object (exit 2), never a traceback, and no figure written: every figure is
drawn before any is written, each under a temporary name renamed when complete. Needs only
numpy, h5py and matplotlib.
"""
import argparse
import contextlib
import io
import math
import os
import sys
import warnings

import numpy as np

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from cycler import cycler  # noqa: E402  (ships with matplotlib)

import h5py  # noqa: E402

PROG = "plot.py"

# One style for every figure, readable in greyscale: lines differ by dash and marker,
# not by colour alone.
LINESTYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D", "v", "x", "P", "*"]
GREYS = ["0.0", "0.45", "0.25", "0.6"]
STYLE = {
    "figure.figsize": (8.0, 5.0),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "axes.grid": True,
    "grid.color": "0.85",
    "grid.linestyle": "-",
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.4,
    "lines.markersize": 4,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "image.cmap": "Greys",
    "axes.prop_cycle": cycler(color=GREYS * 2)
    + cycler(linestyle=LINESTYLES * 2)
    + cycler(marker=MARKERS),
}


def note(msg):
    print("%s: %s" % (PROG, msg), file=sys.stderr)


# Qualitative colours for figures with more series than MARKERS: the ten hues of tab20
# first, then their lighter halves.
MANY_COLOURS = [i for i in range(0, 20, 2)] + [i for i in range(1, 20, 2)]


def line_kw(i, n_markers=12, n_points=None, n_series=None):
    """Keyword arguments of the i-th of n_series series: grey level, dash and marker (the
    first 16 differ in grey and dash alone, lines without markers included). With
    more series than markers, greys alone no longer tell them apart: they take a colour of
    tab20 as well, and marker and dash together stay distinct for up to 32 series."""
    if n_series is not None and n_series > len(MARKERS):
        kw = {
            "color": matplotlib.colormaps["tab20"](MANY_COLOURS[i % len(MANY_COLOURS)]),
            "linestyle": LINESTYLES[(i // len(MARKERS)) % len(LINESTYLES)],
            "marker": MARKERS[i % len(MARKERS)],
        }
    else:
        kw = {
            "color": GREYS[i % len(GREYS)],
            "linestyle": LINESTYLES[(i + i // len(GREYS)) % len(LINESTYLES)],
            "marker": MARKERS[i % len(MARKERS)],
        }
    if n_points is not None and n_points > n_markers:
        kw["markevery"] = max(1, n_points // n_markers)
    return kw


# Beyond this many entries a legend goes beside the axes instead of over the data.
LEGEND_INSIDE_MAX = 6


def grid_legend(ax, n_entries):
    """The legend of a figure with one entry per grid point (and perhaps a few more): inside
    the axes where it is short, beside them (to the right, in a smaller font) where it would
    cover the lines."""
    if n_entries > LEGEND_INSIDE_MAX:
        ax.legend(title="grid point", loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  borderaxespad=0.0, fontsize=7, title_fontsize=8)
    else:
        ax.legend(title="grid point", loc="best")


# ---------------------------------------------------------------------------
# Student's t quantile without scipy: the t CDF through the regularized incomplete
# beta function (continued fraction, Numerical Recipes' betacf), inverted by bisection.


def _betacf(a, b, x):
    eps, tiny = 3e-14, 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return h


def betainc(a, b, x):
    """Regularized incomplete beta I_x(a, b) for a, b > 0 and x in [0, 1]."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    lbt = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    bt = math.exp(lbt + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return bt * _betacf(a, b, x) / a
    return 1.0 - bt * _betacf(b, a, 1.0 - x) / b


def t_cdf(t, df):
    """P(T <= t) for Student's t with df degrees of freedom."""
    tail = 0.5 * betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p, df):
    """The p quantile (0.5 < p < 1) of Student's t with df > 0 degrees of freedom."""
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-10:
            break
    return 0.5 * (lo + hi)


def mean_ci95(values):
    """Mean and 95 % t confidence interval of the finite values; NaN CI if n < 2."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    n = v.size
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    m = float(v.mean())
    if n < 2:
        return m, math.nan, math.nan, n
    half = t_quantile(0.975, n - 1) * float(v.std(ddof=1)) / math.sqrt(n)
    return m, m - half, m + half, n


# ---------------------------------------------------------------------------
# Reading the file.


def as_str(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def units_of(ds):
    return as_str(ds.attrs.get("units", ""))


def label(name, units):
    return "%s (%s)" % (name, units) if units else name


def fmt_value(v):
    if isinstance(v, (float, np.floating)):
        return "%g" % v
    return as_str(v)


# ---------------------------------------------------------------------------
# Checking the file: the layout of docs/output.md, as far as the figures rely on it. A file
# that breaks it ends the program with one message naming the file and the object (exit 2)
# instead of a traceback from deep inside a figure.


class Malformed(Exception):
    """An object of the file is not what docs/output.md says (the message names it)."""


class WriteFailed(Exception):
    """A figure could not be written (a full disk, a directory without permission)."""


def _what(obj):
    if isinstance(obj, h5py.Group):
        return "a group"
    if isinstance(obj, h5py.Dataset):
        return "a dataset"
    return "a %s" % type(obj).__name__


def _dtype_word(dt):
    if h5py.check_string_dtype(dt) is not None or dt.kind in "SU":
        return "a string"
    if dt.kind == "V":
        return "a compound" if dt.names else "opaque data"
    if dt.kind == "O":
        return "variable-length data"
    if dt.kind == "c":
        return "a complex number"
    return "of type %s" % dt


def _get(group, name, where):
    """group[name], or None when absent; a link that leads nowhere is malformed."""
    try:
        link = group.get(name, getlink=True)
    except (KeyError, OSError, ValueError) as e:
        raise Malformed("%s cannot be opened (%s)" % (where, e))
    if link is None:
        return None
    try:
        return group[name]
    except (KeyError, OSError, ValueError) as e:
        if isinstance(link, h5py.SoftLink):
            raise Malformed("%s is a link to %s, which is not there" % (where, link.path))
        if isinstance(link, h5py.ExternalLink):
            raise Malformed("%s is a link to %s in %s, which cannot be opened"
                            % (where, link.path, link.filename))
        raise Malformed("%s cannot be opened (%s)" % (where, e))


def _children(group, where):
    """(name, object, path) of each member of a group, in name order."""
    try:
        names = sorted(group.keys())
    except (KeyError, OSError, ValueError) as e:
        raise Malformed("the members of %s cannot be listed (%s)" % (where, e))
    for name in names:
        path = "%s/%s" % (where.rstrip("/"), name)
        yield name, _get(group, name, path), path


def _group(obj, where):
    if not isinstance(obj, h5py.Group):
        raise Malformed("%s is %s, expected a group" % (where, _what(obj)))
    return obj


def _numbers(obj, where, ndims, what):
    """A dataset of numbers with one of the dimensions in `ndims` (0 for a scalar)."""
    if not isinstance(obj, h5py.Dataset):
        raise Malformed("%s is %s, expected %s" % (where, _what(obj), what))
    if obj.dtype.kind not in "biuf":
        raise Malformed("%s is %s, expected %s of numbers" % (where, _dtype_word(obj.dtype), what)
                        if ndims != (0,) else
                        "%s is %s, expected a number" % (where, _dtype_word(obj.dtype)))
    if obj.ndim not in ndims:
        shape = "a scalar" if obj.ndim == 0 else "%d-D (shape %s)" % (obj.ndim, obj.shape)
        raise Malformed("%s is %s, expected %s" % (where, shape, what))
    return obj


def _strings(obj, where):
    if not isinstance(obj, h5py.Dataset):
        raise Malformed("%s is %s, expected a 1-D dataset of strings" % (where, _what(obj)))
    if h5py.check_string_dtype(obj.dtype) is None and obj.dtype.kind not in "SU":
        raise Malformed("%s is %s, expected strings" % (where, _dtype_word(obj.dtype)))
    if obj.ndim != 1:
        raise Malformed("%s has shape %s, expected a 1-D dataset of strings" % (where, obj.shape))
    return obj


def _attr_int(obj, name, where, lo=None, hi=None):
    """An integer attribute (or an integral float) in [lo, hi), if present."""
    if name not in obj.attrs:
        return None
    try:
        v = obj.attrs[name]
    except (OSError, TypeError, ValueError) as e:
        raise Malformed("%s attribute %s cannot be read (%s)" % (where, name, e))
    a = np.asarray(v)
    if a.shape not in ((), (1,)) or a.dtype.kind not in "biuf":
        raise Malformed("%s attribute %s is %r, expected an integer" % (where, name, v))
    x = a.reshape(())[()]
    if not np.isfinite(x) or float(x) != int(x):
        raise Malformed("%s attribute %s is %r, expected an integer" % (where, name, v))
    x = int(x)
    if (lo is not None and x < lo) or (hi is not None and x >= hi):
        raise Malformed("%s attribute %s is %d, expected %s" % (
            where, name, x, "%d to %d" % (lo, hi - 1) if hi is not None else "at least %d" % lo))
    return x


def _attr_str(obj, name, where):
    if name not in obj.attrs:
        return None
    try:
        v = obj.attrs[name]
    except (OSError, TypeError, ValueError) as e:
        raise Malformed("%s attribute %s cannot be read (%s)" % (where, name, e))
    if not isinstance(v, (str, bytes)):
        raise Malformed("%s attribute %s is %r, expected a string" % (where, name, v))
    return as_str(v)


def _check_grid(f):
    """/sweep/grid: one 1-D dataset per swept key, n_points long. Returns n_points (None
    without a grid: a validation file's runs number their arms in grid_point)."""
    sweep = _get(f, "sweep", "/sweep")
    if sweep is None:
        return None
    _group(sweep, "/sweep")
    grid = _get(sweep, "grid", "/sweep/grid")
    n_points = None
    if grid is not None:
        _group(grid, "/sweep/grid")
        n_points = _attr_int(grid, "n_points", "/sweep/grid", lo=1)
        for _, ds, path in _children(grid, "/sweep/grid"):
            if not isinstance(ds, h5py.Dataset) or ds.ndim != 1:
                raise Malformed("%s is %s, expected a 1-D dataset (a value per grid point)"
                                % (path, _what(ds) if not isinstance(ds, h5py.Dataset)
                                   else "%d-D" % ds.ndim))
            if ds.dtype.kind not in "biuf" and _dtype_word(ds.dtype) != "a string":
                raise Malformed("%s is %s, expected numbers or strings"
                                % (path, _dtype_word(ds.dtype)))
            if n_points is None:
                n_points = ds.shape[0]
            if ds.shape[0] != n_points:
                raise Malformed("%s has %d values, expected %d (one per grid point)"
                                % (path, ds.shape[0], n_points))
    summary = _get(sweep, "summary", "/sweep/summary")
    if summary is not None:
        _group(summary, "/sweep/summary")
        for _, g, path in _children(summary, "/sweep/summary"):
            _group(g, path)
            for c in ("mean", "ci95_low", "ci95_high"):
                ds = _get(g, c, path + "/" + c)
                if ds is not None:
                    _numbers(ds, path + "/" + c, (1,), "a 1-D dataset (a value per grid point)")
    return n_points


def _check_run(name, run, path, n_points):
    """One /runs/rNNNNNN: its attributes and what the figures read of it."""
    _group(run, path)
    status = _attr_str(run, "status", path)
    _attr_int(run, "grid_point", path, lo=0, hi=n_points)
    _attr_int(run, "replicate", path, lo=0)
    length, first = None, None
    for part in ("metrics", "summary", "incidents", "snapshots"):
        g = _get(run, part, path + "/" + part)
        if g is not None:
            _group(g, path + "/" + part)
    metrics = _get(run, "metrics", path + "/metrics")
    for _, ds, mpath in _children(metrics, path + "/metrics") if metrics is not None else ():
        _numbers(ds, mpath, (1,), "a 1-D series (a value per day)")
        if length is None:
            length, first = ds.shape[0], mpath
        elif ds.shape[0] != length:
            raise Malformed("%s has %d days, but %s has %d" % (mpath, ds.shape[0], first, length))
    summary = _get(run, "summary", path + "/summary")
    for _, ds, spath in _children(summary, path + "/summary") if summary is not None else ():
        _numbers(ds, spath, (0,), "a scalar")
    incidents = _get(run, "incidents", path + "/incidents")
    if incidents is not None:
        ds = _get(incidents, "start_day", path + "/incidents/start_day")
        if ds is not None:
            _numbers(ds, path + "/incidents/start_day", (1,), "a 1-D column (a row per incident)")
    snaps = _get(run, "snapshots", path + "/snapshots")
    for sname, s, spath in _children(snaps, path + "/snapshots") if snaps is not None else ():
        _group(s, spath)
        _attr_int(s, "day", spath)
        trust = _get(s, "trust", spath + "/trust")
        if trust is not None:
            _numbers(trust, spath + "/trust", (1, 2), "a dataset [edges] or [edges][domains]")
        tt = _get(s, "team_trust", spath + "/team_trust")
        if tt is not None:
            _numbers(tt, spath + "/team_trust", (2,), "a 2-D dataset [k][k]")
            if tt.shape[0] != tt.shape[1]:
                raise Malformed("%s/team_trust has shape %s, expected a square [k][k]"
                                % (spath, tt.shape))
            ids = _get(s, "team_ids", spath + "/team_ids")
            if ids is not None:
                _numbers(ids, spath + "/team_ids", (1,), "a 1-D dataset [k]")
                if ids.shape[0] != tt.shape[0]:
                    raise Malformed("%s/team_ids has %d ids, expected %d (one per row of "
                                    "team_trust)" % (spath, ids.shape[0], tt.shape[0]))
    return status


def _check_validation(f):
    """/validation: the scorecard's columns, all as long, and the patterns' pass flags."""
    v = _group(_get(f, "validation", "/validation"), "/validation")
    sc = _get(v, "scorecard", "/validation/scorecard")
    if sc is None:
        raise Malformed("/validation/scorecard is missing")
    _group(sc, "/validation/scorecard")
    n, first = None, None
    texts = ("pattern", "check")
    numbers = ("value", "ci95_low", "ci95_high", "n", "target_min", "target_max", "welch_t",
               "welch_t_min", "welch_t_max", "cohen_d", "cohen_d_min", "cohen_d_max", "pass")
    for c in texts + numbers + ("arms", "as", "units"):
        path = "/validation/scorecard/" + c
        ds = _get(sc, c, path)
        if ds is None:
            if c in texts + numbers:
                raise Malformed("%s is missing" % path)
            continue
        if c in numbers:
            _numbers(ds, path, (1,), "a 1-D column (a row per check)")
        else:
            _strings(ds, path)
        if n is None:
            n, first = ds.shape[0], path
        elif ds.shape[0] != n:
            raise Malformed("%s has %d rows, but %s has %d" % (path, ds.shape[0], first, n))
    pats = _get(v, "patterns", "/validation/patterns")
    if pats is None:
        raise Malformed("/validation/patterns is missing")
    _group(pats, "/validation/patterns")
    for _, p, path in _children(pats, "/validation/patterns"):
        _group(p, path)
        _attr_int(p, "pass", path, lo=0, hi=2)
    _attr_int(f, "quick", "/", lo=0, hi=2)


def check_file(f):
    """Raises Malformed, naming the object, where the file departs from docs/output.md in
    what the figures read: root attributes, /sweep, every run, /validation."""
    _attr_str(f, "scenario_name", "/")
    n_points = _check_grid(f)
    runs = _get(f, "runs", "/runs")
    if runs is None:
        raise Malformed("/runs is missing: not a results file of trustsim run or validate")
    _group(runs, "/runs")
    complete, incomplete = 0, []
    for name, run, path in _children(runs, "/runs"):
        status = _check_run(name, run, path, n_points)
        if status == "complete":
            complete += 1
        else:
            incomplete.append("%s (%s)" % (path, "no status" if status is None
                                           else "status %r" % status))
    if not complete:
        if not incomplete and "calibration" in f:
            return  # a calibration without check runs: its posterior is all there is
        if not incomplete:
            raise Malformed("/runs holds no run")
        raise Malformed("/runs holds no complete run: %s%s; runs an interrupted `trustsim "
                        "run` leaves (finish them with --resume)"
                        % (", ".join(incomplete[:3]), ", ..." if len(incomplete) > 3 else ""))
    if "validation" in f:
        _check_validation(f)


class Results:
    """What the figures need from one results file."""

    def __init__(self, f, path):
        self.f = f
        self.path = path
        self.stem = os.path.splitext(os.path.basename(path))[0]
        self.name = as_str(f.attrs.get("scenario_name", self.stem))
        grid = f.get("sweep/grid")
        self.grid = {}
        self.n_points = 1
        if grid is not None:
            for key, ds in grid.items():
                vals = ds.asstr()[:] if ds.dtype.kind in "OSU" else ds[:]
                self.grid[key] = list(vals)
            if "n_points" in grid.attrs:
                self.n_points = int(grid.attrs["n_points"])
            elif self.grid:
                self.n_points = len(next(iter(self.grid.values())))
        runs = f.get("runs")
        self.runs = {}
        if runs is not None:
            for name, g in runs.items():
                if as_str(g.attrs.get("status", "")) != "complete":
                    note("%s: run %s is incomplete; skipped" % (path, name))
                    continue
                self.runs[name] = g

    def point_label(self, p, short=False):
        if not self.grid:
            return "grid point %d" % p
        parts = []
        for key, vals in self.grid.items():
            k = key.split(".")[-1] if short else key
            parts.append("%s=%s" % (k, fmt_value(vals[p])))
        return ("%s" if short else "grid point %d: " % p + "%s") % ", ".join(parts)

    def run_label(self, name):
        g = self.runs[name]
        p = int(g.attrs.get("grid_point", 0))
        rep = int(g.attrs.get("replicate", 0))
        where = self.point_label(p) if self.grid else "grid point %d" % p
        return "%s, run %s (%s, replicate %d)" % (self.name, name, where, rep)

    def default_run(self):
        for name in sorted(self.runs):
            g = self.runs[name]
            if int(g.attrs.get("grid_point", 0)) == 0 and int(g.attrs.get("replicate", 0)) == 0:
                return name
        return sorted(self.runs)[0] if self.runs else None

    def runs_of_point(self, p):
        return [g for _, g in sorted(self.runs.items()) if int(g.attrs.get("grid_point", 0)) == p]


def metric(run, name):
    ds = run.get("metrics/" + name)
    if ds is None:
        return None, ""
    return ds[:].astype(float), units_of(ds)


# ---------------------------------------------------------------------------
# Writing figures.


FORMATS = ("png", "pdf", "svg")
DEFAULT_FORMATS = ("png", "pdf")


class Writer:
    """The figures of one prefix, drawn into memory first: nothing reaches the output
    directory until every figure of the file is drawn (commit), so that a file found
    malformed half-way leaves no figures behind, and each file is written under a
    temporary name and renamed, so that a figure it replaces is replaced only by a
    complete one."""

    def __init__(self, outdir, prefix, formats=DEFAULT_FORMATS):
        self.outdir = outdir
        self.prefix = prefix
        self.formats = formats
        self.written = []  # the paths, in the order drawn
        self.pending = []  # (path, bytes) until commit

    def save(self, fig, name):
        base = os.path.join(self.outdir, "%s-%s" % (self.prefix, name))
        try:
            for ext in self.formats:
                path = "%s.%s" % (base, ext)
                buf = io.BytesIO()
                fig.savefig(buf, format=ext, bbox_inches="tight")
                self.pending.append((path, buf.getvalue()))
                self.written.append(path)
        finally:
            plt.close(fig)

    def commit(self):
        for path, data in self.pending:
            part = path + ".part"
            try:
                os.makedirs(self.outdir, exist_ok=True)
                with open(part, "wb") as fh:
                    fh.write(data)
                os.replace(part, path)
            except OSError as e:
                with contextlib.suppress(OSError):
                    os.unlink(part)
                raise WriteFailed("cannot write %s: %s" % (path, e.strerror or e))
        self.pending = []


def finish(*writers):
    """Writes the figures of every writer, then lists them on stdout; the exit status."""
    for w in writers:
        w.commit()
    for w in writers:
        for p in w.written:
            print(p)
    return 0


def skip(what, why):
    note("skipping %s: %s" % (what, why))


def days_axis(ax):
    ax.set_xlabel("day (after the warm-up)")


def rolling_mean(x, window=7):
    """Trailing mean over up to `window` days, ignoring NaN; NaN where none is finite."""
    x = np.asarray(x, dtype=float)
    out = np.full(x.shape, np.nan)
    for i in range(x.size):
        w = x[max(0, i - window + 1) : i + 1]
        w = w[np.isfinite(w)]
        if w.size:
            out[i] = w.mean()
    return out


def nan_mean(x, axis=None):
    """numpy's nanmean (NaN left out, NaN where every value is NaN) without the warning it
    prints for an all-NaN slice: a day on which no run had the value is not an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(np.asarray(x, dtype=float), axis=axis)


def per_unit(units):
    """'hops/day' -> 'hops'; 'decisions/day' -> 'decisions'."""
    return units[:-4] if units.endswith("/day") else units


def fig_headcount_coverage(res, run_name, w):
    run = res.runs[run_name]
    hc, hu = metric(run, "headcount")
    cov, cu = metric(run, "coverage")
    if hc is None or cov is None:
        return skip("headcount/coverage", "metrics/headcount or metrics/coverage absent")
    days = np.arange(hc.size)
    fig, (a1, a2) = plt.subplots(2, 1, sharex=True, figsize=(8, 6))
    a1.plot(days, hc, label="headcount", **line_kw(0, n_points=days.size))
    a1.set_ylabel(label("headcount", hu))
    a2.plot(days, cov, label="coverage", **line_kw(1, n_points=days.size))
    a2.set_ylabel(label("coverage", cu))
    a2.set_ylim(0, 1.02)
    days_axis(a2)
    a1.set_title("Headcount and coverage (close pairs with >= 3 units of evidence)\n"
                 + res.run_label(run_name))
    w.save(fig, "headcount_coverage")


def fig_escalations(res, run_name, w):
    run = res.runs[run_name]
    dec, du = metric(run, "decisions")
    esc, eu = metric(run, "escalations")
    dd, ddu = metric(run, "deep_dives")
    if dec is None or (esc is None and dd is None):
        return skip("escalations/deep dives", "metrics/decisions, escalations or deep_dives absent")
    days = np.arange(dec.size)
    dec7 = rolling_mean(dec)
    safe = np.where(dec7 > 0, dec7, np.nan)  # no decisions in the window: undefined
    den = per_unit(du).rstrip("s") or "decision"
    series = [(esc, eu, "escalations"), (dd, ddu, "deep dives")]
    series = [s for s in series if s[0] is not None]
    fig, axes = plt.subplots(len(series), 1, sharex=True, figsize=(8, 3 + 2 * len(series)),
                             squeeze=False)
    for i, (x, u, name) in enumerate(series):
        ax = axes[i][0]
        ratio = rolling_mean(x) / safe
        ax.plot(days, ratio, label=name + " per decision (7-day rolling)",
                **line_kw(i, n_points=days.size))
        ax.set_ylabel("%s per decision\n(%s/%s)" % (name, per_unit(u), den))
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper right")
    days_axis(axes[-1][0])
    axes[0][0].set_title("Escalations and deep dives per decision, 7-day rolling means "
                         "(blank: no decisions)\n" + res.run_label(run_name))
    w.save(fig, "escalations_deep_dives")


def fig_leader_time(res, run_name, w):
    run = res.runs[run_name]
    lis, u = metric(run, "leader_in_system")
    if lis is None:
        return skip("leaders' time", "metrics/leader_in_system absent")
    days = np.arange(lis.size)
    fig, ax = plt.subplots()
    share_in = rolling_mean(lis)
    for i, (y, name) in enumerate([(share_in, "in the system (reviews, deep dives, escalations, "
                                    "incident supervision)"),
                                   (1.0 - share_in, "on the system (everything else)")]):
        raw = lis if i == 0 else 1.0 - lis
        ax.plot(days, raw, color=GREYS[i], linestyle=LINESTYLES[i], marker="",
                linewidth=0.5, alpha=0.35)
        ax.plot(days, y, label=name + ", 7-day rolling mean", **line_kw(i, n_points=days.size))
    ax.plot([], [], color="0.5", marker="", linewidth=0.5, alpha=0.6, label="daily values (faint)")
    ax.set_ylim(0, 1.02)
    ax.set_ylabel(label("share of leaders' working hours", u))
    days_axis(ax)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=1)
    ax.set_title("Leaders' (depth 0-1) hours in vs on the system\n" + res.run_label(run_name))
    w.save(fig, "leader_time")


def fig_output(res, run_name, w):
    run = res.runs[run_name]
    oph, u = metric(run, "output_per_head")
    if oph is None:
        return skip("output per head", "metrics/output_per_head absent")
    days = np.arange(oph.size)
    fig, ax = plt.subplots()
    ax.plot(days, oph, label="daily", color="0.6", linestyle="-", marker="", linewidth=0.8)
    ax.plot(days, rolling_mean(oph), label="7-day rolling mean", **line_kw(0, n_points=days.size))
    ax.set_ylabel(label("output per head", u))
    ax.set_ylim(bottom=0)
    days_axis(ax)
    ax.legend(loc="upper right")
    ax.set_title("Output per head (successful new task work)\n" + res.run_label(run_name))
    w.save(fig, "output_per_head")


def snapshots(run):
    """[(day, group)] of a run's snapshots, in day order."""
    g = run.get("snapshots")
    if g is None:
        return []
    out = []
    for name, s in g.items():
        day = s.attrs.get("day")
        if day is None:
            try:
                day = int(name.lstrip("d"))
            except ValueError:
                continue
        out.append((int(day), s))
    return sorted(out, key=lambda t: t[0])


def fig_trust_distribution(res, run_name, w):
    run = res.runs[run_name]
    snaps = [(d, s) for d, s in snapshots(run) if "trust" in s and s["trust"].shape[0] > 0]
    tm, tu = metric(run, "trust_mean")
    if not snaps and tm is None:
        return skip("trust distribution", "no snapshots with trust and no metrics/trust_mean")
    fig, ax = plt.subplots()
    if snaps:
        data, pos = [], []
        for d, s in snaps:
            t = s["trust"][:].astype(float)
            per_edge = nan_mean(t, axis=1) if t.ndim == 2 else t
            data.append(per_edge[np.isfinite(per_edge)])
            pos.append(d)
        gaps = np.diff(pos) if len(pos) > 1 else []
        span = (tm.size - 1) if tm is not None else max(pos) + 1
        width = 0.5 * float(min(gaps)) if len(gaps) else max(1.0, 0.08 * span)
        ax.boxplot(data, positions=pos, widths=width, manage_ticks=False, patch_artist=True,
                   boxprops={"facecolor": "0.9", "edgecolor": "0.0"},
                   medianprops={"color": "0.0", "linewidth": 1.6},
                   flierprops={"marker": ".", "markersize": 2, "markeredgecolor": "0.5"},
                   whiskerprops={"color": "0.0"}, capprops={"color": "0.0"})
        ax.plot([], [], color="0.0", marker="s", markerfacecolor="0.9", linestyle="none",
                label="snapshot: trust per pair, domain-averaged (box: quartiles, "
                "whiskers 1.5 IQR)")
    else:
        note("no snapshots with trust in %s: only trust_mean drawn" % run_name)
    if tm is not None:
        days = np.arange(tm.size)
        ax.plot(days, tm, label="trust_mean (all stored models)", **line_kw(1, n_points=days.size))
    ax.set_ylim(0, 1)
    ax.set_ylabel(label("trust", tu or (units_of(snaps[0][1]["trust"]) if snaps else "")))
    days_axis(ax)
    ax.legend(loc="upper left")
    ax.set_title("Distribution of trust over time\n" + res.run_label(run_name))
    w.save(fig, "trust_distribution")


def fig_team_trust(res, run_name, w):
    run = res.runs[run_name]
    snaps = [(d, s) for d, s in snapshots(run) if "team_trust" in s]
    if not snaps:
        return skip("team trust heat map", "no snapshot with team_trust")
    day, s = snaps[-1]
    tt = s["team_trust"][:].astype(float)
    if tt.ndim != 2 or tt.shape[0] == 0:
        return skip("team trust heat map", "the last snapshot (day %d) has no teams" % day)
    k = tt.shape[0]
    ids = s["team_ids"][:] if "team_ids" in s else np.arange(k)
    # Greys from light grey to black, so that blank (white) is left for NaN alone.
    cmap = matplotlib.colors.LinearSegmentedColormap.from_list(
        "greys_no_white", [plt.get_cmap("Greys")(x) for x in np.linspace(0.15, 1.0, 64)])
    cmap.set_bad("white")
    size = min(10.0, 3.5 + 0.35 * k)
    fig, ax = plt.subplots(figsize=(size + 1.5, size))
    im = ax.imshow(np.ma.masked_invalid(tt), cmap=cmap, vmin=0.0, vmax=1.0,
                   interpolation="nearest")
    ax.grid(False)
    step = max(1, k // 25)
    ticks = np.arange(0, k, step)
    ax.set_xticks(ticks)
    ax.set_yticks(ticks)
    ax.set_xticklabels([str(ids[i]) for i in ticks], rotation=90 if k > 10 else 0)
    ax.set_yticklabels([str(ids[i]) for i in ticks])
    ax.set_xlabel("team trusted (its manager's agent id)")
    ax.set_ylabel("team trusting (its manager's agent id)")
    if k <= 12:
        for a in range(k):
            for b in range(k):
                if np.isfinite(tt[a, b]):
                    ax.text(b, a, "%.2f" % tt[a, b], ha="center", va="center", fontsize=7,
                            color="white" if tt[a, b] > 0.5 else "black")
    cb = fig.colorbar(im, ax=ax, shrink=0.8)
    cb.set_label(label("mean trust", units_of(s["team_trust"])))
    ax.set_title("Team-by-team trust on day %d (blank: no one of the row team knows anyone "
                 "of the column team)\n%s" % (day, res.run_label(run_name)), fontsize=9)
    w.save(fig, "team_trust")


# ---------------------------------------------------------------------------
# Sweep figures.


def summary_stats(res):
    """{metric: (units, mean[], lo[], hi[], source)} per grid point."""
    names = []
    units = {}
    for g in res.runs.values():
        s = g.get("summary")
        if s is None:
            continue
        for k, ds in s.items():
            if k not in units:
                names.append(k)
                units[k] = units_of(ds)
    stored = res.f.get("sweep/summary")
    out = {}
    for m in names:
        sg = stored.get(m) if stored is not None else None
        if sg is not None and all(c in sg for c in ("mean", "ci95_low", "ci95_high")):
            mean, lo, hi = (sg[c][:].astype(float) for c in ("mean", "ci95_low", "ci95_high"))
            if mean.shape == (res.n_points,):
                out[m] = (units[m], mean, lo, hi, "trustsim compare")
                continue
        mean, lo, hi = (np.full(res.n_points, np.nan) for _ in range(3))
        for p in range(res.n_points):
            vals = []
            for g in res.runs_of_point(p):
                ds = g.get("summary/" + m)
                if ds is None:
                    continue
                v = float(ds[()])
                if m == "incident_days" and v < 0:  # -1: no incident in that run
                    continue
                vals.append(v)
            mean[p], lo[p], hi[p], _ = mean_ci95(vals)
        out[m] = (units[m], mean, lo, hi, "replicates, t distribution")
    return out



POINT_FONTSIZE = 7


TICK_PAD_PX = 1.0  # the least gap, in pixels, between two tick labels


def _tick_boxes(fig, ax):
    """The window extents of ax's labelled x ticks, left to right, as drawn now."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]


def _overlap(boxes):
    return any(a.x1 + TICK_PAD_PX > b.x0 for a, b in zip(boxes, boxes[1:]))


def point_key_entries(res):
    """(title, ["p  label", ...]) for a key of the grid points: with one grid key its name
    goes in the title and each entry holds its value alone."""
    if len(res.grid) == 1:
        (key, vals), = res.grid.items()
        return ("grid points (%s)" % key,
                ["%d  %s" % (p, fmt_value(vals[p])) for p in range(res.n_points)])
    return ("grid points", ["%d  %s" % (p, res.point_label(p, short=True))
                            for p in range(res.n_points)])


def label_points(fig, axes, res, top, rotation=0):
    """Labels the x axis of every one of `axes` with the grid points, then lays the figure
    out (tight_layout under `top`, a fraction of the height). A tick reads "p" over its short
    label where the labels fit side by side; where they would run into each other (many
    points, long values) the ticks carry the point numbers alone (every k-th where even
    they would crowd) and a key under the panels gives each number's label. Returns the
    key's texts, its title first (an empty list: no key)."""
    x = np.arange(res.n_points)
    inline = ["%d\n%s" % (p, res.point_label(p, short=True)) for p in x]
    for ax in axes:
        ax.set_xticks(x)
        ax.set_xticklabels(inline, fontsize=POINT_FONTSIZE, rotation=rotation)
        ax.set_xlim(-0.5, res.n_points - 0.5)
    fig.tight_layout(rect=(0, 0, 1, top))
    if not axes or not _overlap(_tick_boxes(fig, axes[0])):
        return []
    # Numbers alone; where even they crowd (40 points on a small panel), every k-th: the
    # ticks are evenly spaced, so k follows from the widest number and the spacing.
    numbers = ["%d" % p for p in x]
    for ax in axes:
        ax.set_xticklabels(numbers, fontsize=POINT_FONTSIZE, rotation=0)
    boxes = _tick_boxes(fig, axes[0])
    k = 1
    if len(boxes) > 1:
        centres = [(b.x0 + b.x1) / 2.0 for b in boxes]
        spacing = (centres[-1] - centres[0]) / (len(boxes) - 1)
        widest = max(b.width for b in boxes) + TICK_PAD_PX
        k = max(1, int(math.ceil(widest / spacing))) if spacing > 0 else len(boxes)
    if k > 1:
        for ax in axes:
            ax.set_xticklabels([n if p % k == 0 else "" for p, n in zip(x, numbers)],
                               fontsize=POINT_FONTSIZE, rotation=0)
    title, entries = point_key_entries(res)
    width, height = fig.get_size_inches()
    char_in = 0.62 * POINT_FONTSIZE / 72.0
    line_in = 1.45 * POINT_FONTSIZE / 72.0
    col_in = max(len(e) for e in entries) * char_in + 0.25
    ncols = max(1, min(len(entries), int((width - 0.4) // col_in)))
    nrows = int(math.ceil(len(entries) / float(ncols)))
    key_in = (nrows + 1.5) * line_in + 0.15
    new_height = height + key_in
    fig.set_size_inches(width, new_height)
    top = 1.0 - (1.0 - top) * height / new_height
    fig.tight_layout(rect=(0, key_in / new_height, 1, top))
    left_in = 0.2
    key = [fig.text(left_in / width, (key_in - 0.05) / new_height, title,
                    fontsize=POINT_FONTSIZE + 1, va="top", ha="left", weight="bold")]
    for k, entry in enumerate(entries):
        col, row = divmod(k, nrows)
        key.append(fig.text((left_in + col * col_in) / width,
                            (key_in - 0.05 - (row + 1.4) * line_in) / new_height, entry,
                            fontsize=POINT_FONTSIZE, va="top", ha="left"))
    return key


def fig_sweep_summary(res, w):
    stats = summary_stats(res)
    stats = {m: v for m, v in stats.items() if np.isfinite(v[1]).any()}
    if not stats:
        return skip("sweep summary", "no summary metrics with values")
    names = sorted(stats)
    ncols = 3 if len(names) > 4 else min(2, len(names))
    nrows = int(math.ceil(len(names) / float(ncols)))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 2.9 * nrows + 0.8),
                             squeeze=False)
    x = np.arange(res.n_points)
    sources = set()
    for i, m in enumerate(names):
        ax = axes[i // ncols][i % ncols]
        u, mean, lo, hi, src = stats[m]
        sources.add(src)
        if np.isfinite(lo[0]) and np.isfinite(hi[0]):
            ax.axhspan(lo[0], hi[0], color="0.88", zorder=0)
        if np.isfinite(mean[0]):
            ax.axhline(mean[0], color="0.4", linestyle="--", linewidth=1, zorder=1)
        err = np.vstack([mean - lo, hi - mean])
        err = np.where(np.isfinite(err), err, 0.0)
        ax.errorbar(x, mean, yerr=err, fmt="o", color="0.0", capsize=4, markersize=5,
                    zorder=3)
        ax.set_title(m)
        ax.set_ylabel(u if u else "(dimensionless)")
    for j in range(len(names), nrows * ncols):
        axes[j // ncols][j % ncols].axis("off")
    grid_keys = ", ".join(res.grid) if res.grid else "grid point"
    fig.suptitle("%s: summary metrics per grid point (%s), mean and 95 %% CI (%s); "
                 "dashed line and band: baseline grid point 0"
                 % (res.name, grid_keys, "; ".join(sorted(sources))), fontsize=10)
    label_points(fig, [axes[i // ncols][i % ncols] for i in range(len(names))], res, 0.96)
    w.save(fig, "summary")


def fig_incident_vs_trust(res, w):
    pts = {}  # grid point -> [(trust before, days)]
    for name, g in sorted(res.runs.items()):
        inc = g.get("incidents/start_day")
        days_ds = g.get("summary/incident_days")
        tm, _ = metric(g, "trust_mean")
        if inc is None or days_ds is None or tm is None or inc.shape[0] == 0:
            continue
        d = float(days_ds[()])
        start = int(inc[0])
        if not math.isfinite(d) or d < 0:
            if not math.isfinite(d):
                note("run %s: incident unresolved at the end; left out" % name)
            continue
        if start < 0 or start >= tm.size:
            note("run %s: incident started on day %d, outside the recorded days" % (name, start))
            continue
        p = int(g.attrs.get("grid_point", 0))
        pts.setdefault(p, []).append((tm[start], d))
        tu, du = units_of(g["metrics/trust_mean"]), units_of(days_ds)
    if not pts:
        return skip("incident days vs trust", "no run had a resolved incident")
    fig, ax = plt.subplots()
    for p in sorted(pts):
        xy = np.array(pts[p])
        kw = line_kw(p, n_series=res.n_points)
        ax.plot(xy[:, 0], xy[:, 1], linestyle="none", marker=kw["marker"],
                markersize=7, markerfacecolor="none" if p % 2 else kw["color"],
                markeredgecolor=kw["color"],
                label="%d: %s" % (p, res.point_label(p, short=True)))
    ax.set_xlabel(label("trust_mean on the incident's start day", tu))
    ax.set_ylabel(label("incident_days", du))
    grid_legend(ax, len(pts))
    ax.set_title("%s: incident duration against trust before it (one point per run)"
                 % res.name)
    w.save(fig, "incident_vs_trust")


def fig_repair_trajectories(res, w):
    fig, ax = plt.subplots()
    drawn = 0
    tu = ""
    for p in range(res.n_points):
        series = []
        for g in res.runs_of_point(p):
            tm, tu = metric(g, "trust_mean")
            if tm is not None:
                series.append(tm)
        if not series:
            continue
        n = min(s.size for s in series)
        mean = nan_mean(np.vstack([s[:n] for s in series]), axis=0)
        days = np.arange(n)
        ax.plot(days, mean, label="%d: %s (n=%d)" % (p, res.point_label(p, short=True),
                                                    len(series)),
                **line_kw(p, n_points=n, n_series=res.n_points))
        drawn += 1
    if not drawn:
        plt.close(fig)
        return skip("repair trajectories", "no metrics/trust_mean in any run")
    starts = set()
    for g in res.runs.values():
        inc = g.get("incidents/start_day")
        if inc is not None and inc.shape[0] > 0:
            starts.update(int(d) for d in inc[:])
    for i, d in enumerate(sorted(starts)[:10]):
        ax.axvline(d, color="0.5", linestyle=":", linewidth=1, marker="",
                   label="incident start" if i == 0 else None)
    ax.set_ylabel(label("trust_mean, mean over replicates", tu))
    days_axis(ax)
    grid_legend(ax, drawn + (1 if starts else 0))
    ax.set_title("%s: trust trajectories per grid point (repair after incidents)" % res.name)
    w.save(fig, "trust_trajectories")


def fig_ways_in(res, w, last=60):
    """Closed teams and the ways in (scenarios/closed_teams.yaml): per grid point, the mean
    over the last `last` days of team_openness, trust_outsiders and trust_cross, with the
    95 % CI over replicates; skipped unless some run has the openness mechanism on."""
    names = ("team_openness", "trust_outsiders", "trust_cross")
    stats = {}
    units = {m: "" for m in names}
    found = False
    for m in names:
        mean, lo, hi = (np.full(res.n_points, np.nan) for _ in range(3))
        for p in range(res.n_points):
            vals = []
            for g in res.runs_of_point(p):
                x, u = metric(g, m)
                if x is None:
                    continue
                x = x[-last:]
                x = x[np.isfinite(x)]
                if x.size:
                    vals.append(float(x.mean()))
                    units[m] = u
            mean[p], lo[p], hi[p], _ = mean_ci95(vals)
        stats[m] = (mean, lo, hi)
        found = found or (m == "team_openness" and np.isfinite(mean).any())
    if not found:
        return skip("ways in", "no run has metrics/team_openness (openness mechanism off)")
    fig, axes = plt.subplots(1, len(names), figsize=(4.4 * len(names), 3.6), squeeze=False)
    x = np.arange(res.n_points)
    for i, m in enumerate(names):
        ax = axes[0][i]
        mean, lo, hi = stats[m]
        if np.isfinite(mean[0]):
            ax.axhline(mean[0], color="0.4", linestyle="--", linewidth=1, zorder=1)
        err = np.vstack([mean - lo, hi - mean])
        err = np.where(np.isfinite(err), err, 0.0)
        ax.errorbar(x, mean, yerr=err, fmt="o", color="0.0", capsize=4, markersize=5, zorder=3)
        ax.set_title("%s, last %d days" % (m, last))
        ax.set_ylabel(units[m] if units[m] else "(dimensionless)")
    fig.suptitle("%s: teams' openness and outsiders' trust per grid point, mean and 95 %% CI "
                 "over replicates; dashed line: grid point 0" % res.name, fontsize=10)
    label_points(fig, list(axes[0]), res, 0.93, rotation=30)
    w.save(fig, "ways_in")
# scenarios/ai_teammates.yaml: the summaries drawn against the hallucination rate.
AI_TEAMMATES_PANELS = [
    ("output_per_head_mean", "output per head (AI output, per person)"),
    ("leader_in_system_mean", "leaders' time in the system"),
    ("ai_share_delegated_mean", "AI tasks handed over without review"),
    ("trust_in_ai_mean", "people's trust in AI"),
]


def fig_ai_teammates(res, w):
    """AI teammates (scenarios/ai_teammates.yaml): output per head, leaders' time in the
    system, the share of AI tasks delegated without review and trust in AI (summaries, mean
    and 95 % CI over replicates) against population.ai.hallucination, one line per
    population.ai.per_team, solid without and dashed with admits_uncertainty; skipped
    unless the grid sweeps population.ai.hallucination."""
    hkey, nkey, akey = ("population.ai.hallucination", "population.ai.per_team",
                        "population.ai.admits_uncertainty")
    if hkey not in res.grid:
        return skip("ai teammates", "the grid does not sweep %s" % hkey)
    stats = summary_stats(res)
    panels = [(m, t) for m, t in AI_TEAMMATES_PANELS if m in stats]
    if not panels:
        return skip("ai teammates", "no summaries of the AI teammates")
    hall = np.array([float(v) for v in res.grid[hkey]])
    per_team = res.grid[nkey] if nkey in res.grid else [None] * res.n_points
    admits = res.grid[akey] if akey in res.grid else [0.0] * res.n_points
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.8), squeeze=False)
    groups = sorted({(per_team[p], float(admits[p])) for p in range(res.n_points)},
                    key=lambda g: (-1 if g[0] is None else int(g[0]), g[1]))
    shades = sorted({g[0] for g in groups}, key=lambda v: -1 if v is None else int(v))
    for i, (m, title) in enumerate(panels):
        ax = axes[0][i]
        u, mean, lo, hi, _ = stats[m]
        for n, a in groups:
            pts = [p for p in range(res.n_points)
                   if per_team[p] == n and float(admits[p]) == a and np.isfinite(mean[p])]
            if not pts:
                continue
            pts.sort(key=lambda p: hall[p])
            grey = 0.75 * (1.0 - shades.index(n) / max(1.0, len(shades) - 1.0))
            err = np.vstack([mean[pts] - lo[pts], hi[pts] - mean[pts]])
            err = np.where(np.isfinite(err), err, 0.0)
            label = "%s AI/team%s" % ("?" if n is None else int(n),
                                      ", admits %g" % a if a > 0 else "")
            ax.errorbar(hall[pts], mean[pts], yerr=err, color=str(grey), marker="o",
                        markersize=4, capsize=3, linestyle="--" if a > 0 else "-",
                        label=label)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("hallucination rate (per task)")
        ax.set_ylabel("%s (%s)" % (m, u) if u else m)
    axes[0][0].legend(fontsize=6)
    fig.suptitle("%s: AI teammates against their hallucination rate (mean and 95 %% CI over "
                 "replicates)" % res.name, fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    w.save(fig, "ai_teammates")


# The layers of the Lencioni pyramid (essay 002), bottom up: the summary that measures each.
PYRAMID_LAYERS = [
    ("trust", "trust_final"),
    ("conflict", "concerns_voiced_mean"),
    ("decisions", "decision_quality_mean"),
    ("commitment", "reopened_per_decision"),
    ("accountability", "peer_accountability_share"),
    ("results", "output_per_head_mean"),
]


def fig_pyramid(res, w):
    """scenarios/pyramid.yaml: each layer of the pyramid per grid point (mean, 95 % CI)."""
    stats = summary_stats(res)
    layers = [(layer, m) for layer, m in PYRAMID_LAYERS
              if m in stats and np.isfinite(stats[m][1]).any()]
    if not layers:
        return skip("pyramid", "no summaries of the pyramid's layers")
    ncols = 3
    nrows = int(math.ceil(len(layers) / float(ncols)))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.0 * nrows + 0.8),
                             squeeze=False)
    x = np.arange(res.n_points)
    for i, (layer, m) in enumerate(layers):
        ax = axes[i // ncols][i % ncols]
        u, mean, lo, hi, _ = stats[m]
        err = np.vstack([mean - lo, hi - mean])
        err = np.where(np.isfinite(err), err, 0.0)
        ax.bar(x, mean, color="0.8", edgecolor="0.0", width=0.6, zorder=2)
        ax.errorbar(x, mean, yerr=err, fmt="none", ecolor="0.0", capsize=4, zorder=3)
        ax.set_title("%d. %s: %s" % (i + 1, layer, m))
        ax.set_ylabel(u if u else "(dimensionless)")
    for j in range(len(layers), nrows * ncols):
        axes[j // ncols][j % ncols].axis("off")
    fig.suptitle("%s: the pyramid's layers per grid point, bottom up (mean and 95 %% CI over "
                 "replicates)" % res.name, fontsize=10)
    label_points(fig, [axes[i // ncols][i % ncols] for i in range(len(layers))], res, 0.95)
    w.save(fig, "pyramid")


# ---------------------------------------------------------------------------
# Sensitivity analyses (`trustsim sensitivity`): /sensitivity.

def sensitivity_results(f):
    """The factors of /sensitivity (the dummy last), its method and, per analysed metric,
    its group; raises Malformed where the group departs from docs/output.md."""
    sens = _group(_get(f, "sensitivity", "/sensitivity"), "/sensitivity")
    factors = [as_str(x) for x in _strings(_get(sens, "factors", "/sensitivity/factors"),
                                           "/sensitivity/factors").asstr()[:]]
    method = _attr_str(sens, "method", "/sensitivity")
    if method not in ("morris", "sobol"):
        raise Malformed("/sensitivity: attribute method is %r, expected morris or sobol" % method)
    cols = ("mu_star", "mu_star_ci95_low", "mu_star_ci95_high", "sigma", "mu") \
        if method == "morris" else ("total", "total_ci95_low", "total_ci95_high",
                                    "first_order", "first_order_ci95_low",
                                    "first_order_ci95_high")
    metrics = {}
    for name, g, where in _children(sens, "/sensitivity"):
        if not isinstance(g, h5py.Group):
            continue
        if not int(g.attrs.get("analysed", 0)):
            note("%s: %s" % (where, as_str(g.attrs.get("reason", "not analysed"))))
            continue
        vals = {c: np.asarray(_numbers(_get(g, c, where + "/" + c), where + "/" + c, (1,),
                                       "a 1-D dataset of numbers")[:], dtype=float)
                for c in cols + ("above_noise",)}
        for c, v in vals.items():
            if v.shape[0] != len(factors):
                raise Malformed("%s/%s has %d values, expected one per factor (%d)"
                                % (where, c, v.shape[0], len(factors)))
        units = units_of(g["output"]) if "output" in g else ""
        metrics[name] = (vals, units)
    return method, factors, metrics


def short_factor(key):
    return "dummy" if key == "sensitivity.dummy" else key


def fig_tech_business(res, w):
    """The technology-business gap (scenarios/tech_business.yaml): per grid point, the mean
    over replicates of trust_within_departments - trust_between_departments by day (left)
    and of disputed_decisions and cross_department_latency over the run (right)."""
    gaps, bars = {}, {}
    for p in range(res.n_points):
        series, disputed, latency = [], [], []
        for g in res.runs_of_point(p):
            tb, tu = metric(g, "trust_between_departments")
            tw, _ = metric(g, "trust_within_departments")
            if tb is None or tw is None or not np.isfinite(tb).any():
                continue
            series.append(tw - tb)
            dd, _ = metric(g, "disputed_decisions")
            lat, _ = metric(g, "cross_department_latency")
            disputed.append(nan_mean(dd) if dd is not None else np.nan)
            latency.append(nan_mean(lat) if lat is not None else np.nan)
        if series:
            n = min(s.size for s in series)
            gaps[p] = nan_mean(np.vstack([s[:n] for s in series]), axis=0)
            bars[p] = (nan_mean(disputed), nan_mean(latency))
    if not gaps:
        return skip("tech-business gap", "no runs with several departments")
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(12.0, 5.0))
    for i, p in enumerate(sorted(gaps)):
        days = np.arange(gaps[p].size)
        ax.plot(days, rolling_mean(gaps[p]), label="%d: %s" % (p, res.point_label(p, short=True)),
                **line_kw(i, n_points=days.size, n_series=len(gaps)))
    ax.axhline(0.0, color="0.5", linewidth=0.8)
    ax.set_ylabel("trust within - between departments (trust score)")
    days_axis(ax)
    grid_legend(ax, len(gaps))
    ax.set_title("The gap (mean over replicates, 7-day rolling mean)")
    pts = sorted(bars)
    x = np.arange(len(pts))
    bx.bar(x - 0.2, [bars[p][0] for p in pts], width=0.4, color="0.3",
           label="disputed_decisions (decisions/day)")
    bx.bar(x + 0.2, [bars[p][1] for p in pts], width=0.4, color="0.75",
           label="cross_department_latency (days)")
    bx.set_xticks(x)
    bx.set_xticklabels(["%d" % p for p in pts])
    bx.set_xlabel("grid point")
    bx.legend(loc="best", fontsize=8)
    bx.set_title("Disputes and sign-off latency (run means)")
    fig.suptitle("%s: the technology-business gap per grid point" % res.name, fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    w.save(fig, "tech_business")


def fig_morris(name, factors, vals, units, res, w):
    """The mu*-sigma plane: each factor at (mu*, sigma) with its mu* interval; the dummy's
    interval as the band of noise."""
    fig, ax = plt.subplots(figsize=(8.0, 5.5))
    d = len(factors) - 1
    lo, hi = vals["mu_star_ci95_low"][d], vals["mu_star_ci95_high"][d]
    if np.isfinite(lo) and np.isfinite(hi):
        ax.axvspan(lo, hi, color="0.88", zorder=0, label="dummy's 95% interval (noise)")
    for i, key in enumerate(factors):
        x, y = vals["mu_star"][i], vals["sigma"][i]
        above = bool(vals["above_noise"][i])
        style = dict(marker="D" if i == d else ("o" if above else "s"), markersize=7,
                     color="#c62828" if i == d else ("0.1" if above else "0.55"),
                     linestyle="none")
        err = [[max(0.0, x - vals["mu_star_ci95_low"][i])],
               [max(0.0, vals["mu_star_ci95_high"][i] - x)]]
        ax.errorbar([x], [y if np.isfinite(y) else 0.0], xerr=err, capsize=3, **style)
        ax.annotate(short_factor(key), (x, y if np.isfinite(y) else 0.0),
                    textcoords="offset points", xytext=(6, 4), fontsize=8)
    lim = max([1e-12] + [v for v in vals["mu_star_ci95_high"] if np.isfinite(v)] +
              [v for v in vals["sigma"] if np.isfinite(v)])
    ax.plot([0, lim], [0, lim], color="0.6", linestyle=":", marker="", linewidth=1,
            label="sigma = mu*")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(label("mu* (mean |elementary effect|)", units))
    ax.set_ylabel(label("sigma (sd of the effects)", units))
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title("%s: Morris screening of %s\n(black: above noise; grey: not; red: dummy)"
                 % (res.name, name))
    w.save(fig, "morris-%s" % name)


def fig_sobol(name, factors, vals, res, w):
    """Total and first-order indices per factor with their intervals; the dummy's total
    interval as the band of noise."""
    n = len(factors)
    fig, ax = plt.subplots(figsize=(8.0, max(3.0, 0.55 * n + 1.5)))
    d = n - 1
    order = sorted(range(n), key=lambda i: -vals["total"][i] if np.isfinite(vals["total"][i])
                   else 0.0)
    lo, hi = vals["total_ci95_low"][d], vals["total_ci95_high"][d]
    if np.isfinite(lo) and np.isfinite(hi):
        ax.axvspan(lo, hi, color="0.88", zorder=0, label="dummy's S_T 95% interval (noise)")
    for row, i in enumerate(order):
        y = n - 1 - row
        for off, col, colour, what in ((0.18, "total", "0.2", "S_T (total)"),
                                       (-0.18, "first_order", "0.65", "S_1 (first order)")):
            v = vals[col][i]
            err = [[max(0.0, v - vals[col + "_ci95_low"][i])],
                   [max(0.0, vals[col + "_ci95_high"][i] - v)]]
            ax.barh([y + off], [v], height=0.34, color="#c62828" if i == d else colour,
                    xerr=err, capsize=3, label=what if row == 0 else None)
    ax.set_yticks(range(n))
    ax.set_yticklabels([short_factor(factors[i]) + (" *" if vals["above_noise"][i] else "")
                        for i in reversed(order)], fontsize=8)
    ax.axvline(0, color="0.3", linewidth=0.8, marker="")
    ax.set_xlabel("share of the output's variance")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title("%s: Sobol' indices of %s\n(* above noise; red: dummy)" % (res.name, name))
    w.save(fig, "sobol-%s" % name)


def fig_sensitivity(sens, res, w):
    """The figures of a parsed /sensitivity (sensitivity_results)."""
    method, factors, metrics = sens
    if not metrics:
        return skip("sensitivity", "no metric was analysed")
    for name, (vals, units) in sorted(metrics.items()):
        if method == "morris":
            fig_morris(name, factors, vals, units, res, w)
        else:
            fig_sobol(name, factors, vals, res, w)


# ---------------------------------------------------------------------------
# Calibrations (`trustsim calibrate`): /calibration.

def calibration_results(f):
    """Parameter names, prior bounds, particles [n][k] and weights of /calibration; raises
    Malformed where the group departs from docs/output.md."""
    cal = _group(_get(f, "calibration", "/calibration"), "/calibration")
    names = [as_str(x) for x in _strings(_get(cal, "parameters", "/calibration/parameters"),
                                         "/calibration/parameters").asstr()[:]]
    k = len(names)
    lo = np.asarray(_numbers(_get(cal, "prior_low", "/calibration/prior_low"),
                             "/calibration/prior_low", (1,), "a 1-D dataset of numbers")[:], float)
    hi = np.asarray(_numbers(_get(cal, "prior_high", "/calibration/prior_high"),
                             "/calibration/prior_high", (1,), "a 1-D dataset of numbers")[:], float)
    x = np.asarray(_numbers(_get(cal, "posterior/particles", "/calibration/posterior/particles"),
                            "/calibration/posterior/particles", (2,),
                            "a 2-D dataset of numbers")[:], float)
    w = np.asarray(_numbers(_get(cal, "posterior/weights", "/calibration/posterior/weights"),
                            "/calibration/posterior/weights", (1,),
                            "a 1-D dataset of numbers")[:], float)
    if lo.shape[0] != k or hi.shape[0] != k or x.ndim != 2 or x.shape[1] != k \
            or w.shape[0] != x.shape[0]:
        raise Malformed("/calibration: %d parameters, but prior bounds of %d and %d values, "
                        "particles of shape %s and %d weights" % (k, lo.shape[0], hi.shape[0],
                                                                  x.shape, w.shape[0]))
    return names, lo, hi, x, w


def fig_calibration_marginals(names, lo, hi, x, w, res, w_):
    """Each parameter's weighted posterior histogram over its prior range, the prior's
    density as a line, the 90 % interval shaded."""
    k = len(names)
    cols = min(k, 3)
    rows = (k + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False)
    for i, name in enumerate(names):
        ax = axes[i // cols][i % cols]
        bins = np.linspace(lo[i], hi[i], 21)
        ax.hist(x[:, i], bins=bins, weights=w, density=True, color="0.45", edgecolor="white")
        ax.axhline(1.0 / (hi[i] - lo[i]), color="#c62828", linestyle="--", marker="",
                   linewidth=1, label="prior")
        order = np.argsort(x[:, i])
        cw = np.cumsum(w[order]) / np.sum(w)
        q05 = x[order, i][np.searchsorted(cw, 0.05)]
        q95 = x[order, i][min(len(cw) - 1, np.searchsorted(cw, 0.95))]
        ax.axvspan(q05, q95, color="0.85", zorder=0, label="90% interval")
        ax.set_xlim(lo[i], hi[i])
        ax.set_xlabel(name)
        ax.set_ylabel("posterior density")
        if i == 0:
            ax.legend(loc="best", fontsize=8)
    for j in range(k, rows * cols):
        axes[j // cols][j % cols].axis("off")
    fig.suptitle("%s: marginal posteriors (%d particles)" % (res.name, x.shape[0]))
    fig.tight_layout()
    w_.save(fig, "marginals")


def fig_calibration_pairs(names, lo, hi, x, w, res, w_):
    """Every pair of parameters: the particles, their area proportional to their weight."""
    k = len(names)
    if k < 2:
        return skip("pairwise posteriors", "one parameter")
    fig, axes = plt.subplots(k - 1, k - 1, figsize=(3.4 * (k - 1), 3.4 * (k - 1)), squeeze=False)
    size = 8.0 + 400.0 * w / max(np.max(w), 1e-300) * 0.25
    for r in range(1, k):
        for c in range(k - 1):
            ax = axes[r - 1][c]
            if c >= r:
                ax.axis("off")
                continue
            ax.scatter(x[:, c], x[:, r], s=size, color="0.25", alpha=0.5, edgecolors="none")
            ax.set_xlim(lo[c], hi[c])
            ax.set_ylim(lo[r], hi[r])
            if r == k - 1:
                ax.set_xlabel(names[c])
            if c == 0:
                ax.set_ylabel(names[r])
    fig.suptitle("%s: pairwise posteriors (area: weight)" % res.name)
    fig.tight_layout()
    w_.save(fig, "pairs")


def fig_calibration(cal, res, w_):
    """The figures of a parsed /calibration (calibration_results)."""
    names, lo, hi, x, w = cal
    if x.shape[0] == 0:
        return skip("calibration", "no kept particle")
    fig_calibration_marginals(names, lo, hi, x, w, res, w_)
    fig_calibration_pairs(names, lo, hi, x, w, res, w_)


# ---------------------------------------------------------------------------
# Validation files (`trustsim validate`): the scorecard.

PASS_STYLE = {True: {"color": "#1a7f37", "marker": "o", "label": "PASS"},
              False: {"color": "#c62828", "marker": "X", "label": "FAIL"}}


def scorecard_rows(f):
    """The rows of /validation/scorecard as dicts, in the file's order."""
    sc = f["validation/scorecard"]
    cols = {}
    for name, ds in sc.items():
        cols[name] = list(ds.asstr()[:]) if ds.dtype.kind in "OSU" else list(ds[:])
    n = len(cols.get("pattern", []))
    return [{k: v[i] for k, v in cols.items()} for i in range(n)]


def normaliser(r):
    """A row's mapping of raw values onto the figure's axis, where a target's lower bound
    is at 0 and its upper bound at 1. A two-sided target [min, max] maps onto [0, 1]; a
    one-sided one measures the distance from its bound as a share of the bound (of the
    values' size when the bound is 0), so 0.5 on a `min` row is half as much again as the
    minimum. Returns the function and the target's extent on the axis."""
    lo, hi = float(r["target_min"]), float(r["target_max"])
    if np.isfinite(lo) and np.isfinite(hi):
        span = hi - lo if hi > lo else 1.0
        return (lambda v: (v - lo) / span), (0.0, 1.0 if hi > lo else 0.0)
    bound = lo if np.isfinite(lo) else hi
    if not np.isfinite(bound):
        return (lambda v: v * 0.0), (-math.inf, math.inf)
    size = abs(bound)
    if size == 0.0:
        vals = [abs(float(r[k])) for k in ("value", "ci95_low", "ci95_high")
                if np.isfinite(float(r[k]))]
        size = max(vals) if vals and max(vals) > 0 else 1.0
    if np.isfinite(lo):
        return (lambda v: (v - lo) / size), (0.0, math.inf)
    return (lambda v: 1.0 + (v - hi) / size), (-math.inf, 1.0)


def raw_label(r):
    """The row's raw numbers: mean [CI], target, t and d where bounded, n."""
    v, lo, hi = float(r["value"]), float(r["ci95_low"]), float(r["ci95_high"])
    text = "no value" if not np.isfinite(v) else (
        "%.3g [%.3g, %.3g]" % (v, lo, hi) if np.isfinite(lo) else "%.3g" % v)
    tmin, tmax = float(r["target_min"]), float(r["target_max"])
    if np.isfinite(tmin) and np.isfinite(tmax):
        target = "in [%g, %g]" % (tmin, tmax)
    elif np.isfinite(tmin):
        target = ">= %g" % tmin
    else:
        target = "<= %g" % tmax
    parts = [text, "target " + target]
    for stat, key in (("t", "welch_t"), ("d", "cohen_d")):
        if np.isfinite(float(r[key + "_min"])) or np.isfinite(float(r[key + "_max"])):
            parts.append("%s %.3g" % (stat, float(r[key])))
    if r.get("as"):
        parts.append(r["as"])
    parts.append("n %d" % int(r["n"]))
    return "  ".join(parts)


def fig_scorecard(f, stem, w):
    rows = scorecard_rows(f)
    if not rows:
        return skip("validation scorecard", "no checks in the file")
    pats = f["validation/patterns"]
    n = len(rows)
    fig, ax = plt.subplots(figsize=(11.0, max(2.6, 0.42 * n + 1.6)))
    xs = []
    for i, r in enumerate(rows):
        fn, (t0, t1) = normaliser(r)
        vals = [fn(float(r[k])) for k in ("value", "ci95_low", "ci95_high")]
        xs.extend(x for x in vals if np.isfinite(x))
        xs.extend(x for x in (t0, t1) if np.isfinite(x))
    xmin = max(-2.0, min([-0.5] + xs)) - 0.15
    xmax = min(3.0, max([1.5] + xs)) + 0.15
    ylabels = []
    prev = None
    for i, r in enumerate(rows):
        y = n - 1 - i
        fn, (t0, t1) = normaliser(r)
        ax.add_patch(plt.Rectangle((max(t0, xmin), y - 0.32), min(t1, xmax) - max(t0, xmin), 0.64,
                                   color="0.86", zorder=0, linewidth=0))
        ok = bool(int(r["pass"]))
        st = PASS_STYLE[ok]
        v, lo, hi = (fn(float(r[k])) for k in ("value", "ci95_low", "ci95_high"))
        if np.isfinite(lo) and np.isfinite(hi):
            ax.plot([max(lo, xmin), min(hi, xmax)], [y, y], color=st["color"], linewidth=2.0,
                    linestyle="-", marker="", solid_capstyle="butt", zorder=2)
        if np.isfinite(v):
            clipped = min(max(v, xmin + 0.05), xmax - 0.05)
            marker = st["marker"] if clipped == v else (">" if v > xmax else "<")
            ax.plot([clipped], [y], marker=marker, color=st["color"], markersize=8,
                    linestyle="none", zorder=3)
        ax.text(xmax + 0.03 * (xmax - xmin), y, "%s  %s" % (st["label"], raw_label(r)),
                va="center", ha="left", fontsize=8, color=st["color"])
        pid = r["pattern"]
        if prev is not None and pid != prev:
            ax.axhline(y + 0.5, color="0.6", linewidth=0.8, zorder=1)
        prev = pid
        name = r["check"] if len(r["check"]) <= 46 else r["check"][:43] + "..."
        ylabels.append("%s  %s" % (pid, name))
    ax.set_yticks(list(range(n - 1, -1, -1)))
    ax.set_yticklabels(ylabels, fontsize=8)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(xmin, xmax)
    ax.axvline(0.0, color="0.45", linestyle=":", linewidth=1, zorder=1)
    ax.axvline(1.0, color="0.45", linestyle=":", linewidth=1, zorder=1)
    ax.grid(False)
    ax.set_xlabel("the measure against its target (grey): a lower bound at 0, an upper bound at 1;\n"
                  "one-sided targets: distance from the bound as a share of it")
    passed = sum(1 for p in pats.values() if int(p.attrs.get("pass", 0)))
    quick = " (--quick)" if int(f.attrs.get("quick", 0)) else ""
    ax.set_title("Validation scorecard%s: %d of %d patterns pass; mean and 95 %% CI over seeds"
                 % (quick, passed, len(pats)))
    fig.tight_layout()
    w.save(fig, "scorecard")


# ---------------------------------------------------------------------------


def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog=PROG,
        description="Draw the figures of a trustsim results file (PNG and PDF, or --format): "
        "one run's headcount, coverage, escalations, leaders' time, output and trust, for a "
        "sweep the summary metrics per grid point with 95%% confidence intervals, and for a "
        "validation file the scorecard of its checks.",
        epilog="Figures whose data is absent are skipped with a note on stderr; the files "
        "written are listed on stdout, and none is written unless all could be drawn. Exit "
        "status: 0 ok, 1 a figure could not be written, 2 bad input (a missing, unreadable "
        "or malformed file, an unknown format).")
    ap.add_argument("file", metavar="FILE.h5",
                    help="results file written by `trustsim run` or `trustsim validate`")
    ap.add_argument("-o", "--outdir", metavar="DIR",
                    help="directory for the figures (default: DIR_OF_FILE/figures)")
    ap.add_argument("--run", metavar="rNNNNNN",
                    help="run to draw the per-run figures for (default: grid point 0, "
                    "replicate 0)")
    ap.add_argument("--format", metavar="LIST", type=formats_arg, default=DEFAULT_FORMATS,
                    help="comma-separated file formats of each figure, from %s "
                    "(default: %s)" % (", ".join(FORMATS), ",".join(DEFAULT_FORMATS)))
    return ap.parse_args(argv)


def formats_arg(text):
    """--format's value: known formats, each once, in the order given."""
    out = []
    for item in text.split(","):
        item = item.strip().lower()
        if item not in FORMATS:
            raise argparse.ArgumentTypeError(
                "%r is not a format: expected a comma-separated list of %s"
                % (item, ", ".join(FORMATS)))
        if item not in out:
            out.append(item)
    return tuple(out)


def main(argv=None):
    args = parse_args(argv)
    path = args.file
    if os.path.isdir(path):
        note("%s: is a directory, expected a results file" % path)
        return 2
    if not os.path.isfile(path):
        note("%s: no such file" % path)
        return 2
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        note("%s: cannot read as HDF5: %s" % (path, e))
        return 2
    with f:
        try:
            return draw(f, path, args)
        except Malformed as e:
            note("%s: %s" % (path, e))
            return 2
        except WriteFailed as e:
            note(str(e))
            return 1
        except OSError as e:
            # What h5py raises when data that the layout promised cannot be read (a
            # truncated or damaged file); writing the figures raises WriteFailed instead.
            note("%s: cannot read: %s" % (path, e))
            return 2


def draw(f, path, args):
    """The figures of an open results file; the exit status."""
    check_file(f)
    # The analyses' groups are read and checked before any figure is drawn, so a malformed
    # one costs no drawing time (and, as always, leaves nothing written).
    sens = sensitivity_results(f) if "sensitivity" in f else None
    cal = calibration_results(f) if "calibration" in f else None
    outdir = args.outdir or os.path.join(os.path.dirname(os.path.abspath(path)), "figures")
    plt.rcParams.update(STYLE)
    res = Results(f, path)
    if "validation" in f:
        # A validation file: its scorecard; a run's figures only when --run names one.
        w = Writer(outdir, "%s-validation" % res.stem, args.format)
        fig_scorecard(f, res.stem, w)
        if args.run:
            if args.run not in res.runs:
                note("%s: no complete run %s" % (path, args.run))
                return 2
            wr = Writer(outdir, "%s-%s" % (res.stem, args.run), args.format)
            for fn in (fig_headcount_coverage, fig_escalations, fig_leader_time, fig_output,
                       fig_trust_distribution, fig_team_trust):
                fn(res, args.run, wr)
            return finish(w, wr)
        note("validation file: the scorecard only (per-run figures with --run)")
        return finish(w)
    if "calibration" in f and not res.runs:
        wc = Writer(outdir, "%s-calibration" % res.stem, args.format)
        fig_calibration(cal, res, wc)
        return finish(wc)
    run_name = args.run or res.default_run()
    if run_name not in res.runs:
        note("%s: no complete run %s (runs: %s)"
             % (path, run_name, ", ".join(sorted(res.runs)[:10])))
        return 2
    w = Writer(outdir, "%s-%s" % (res.stem, run_name), args.format)
    for fn in (fig_headcount_coverage, fig_escalations, fig_leader_time, fig_output,
               fig_trust_distribution, fig_team_trust):
        fn(res, run_name, w)
    writers = [w]
    if "calibration" in f:
        wc = Writer(outdir, "%s-calibration" % res.stem, args.format)
        fig_calibration(cal, res, wc)
        writers.append(wc)
    if "sensitivity" in f:
        # A sensitivity design: its points are not arms to compare, so no sweep figures.
        ws = Writer(outdir, "%s-sensitivity" % res.stem, args.format)
        fig_sensitivity(sens, res, ws)
        writers.append(ws)
    elif res.n_points > 1:
        ws = Writer(outdir, "%s-sweep" % res.stem, args.format)
        for fn in (fig_sweep_summary, fig_incident_vs_trust, fig_repair_trajectories,
                   fig_tech_business, fig_ways_in, fig_ai_teammates):
            fn(res, ws)
        if res.name.startswith("pyramid"):
            fig_pyramid(res, ws)  # scenarios/pyramid.yaml
        writers.append(ws)
    else:
        note("one grid point: no sweep figures")
    return finish(*writers)


if __name__ == "__main__":
    sys.exit(main())
