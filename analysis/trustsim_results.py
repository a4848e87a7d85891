#!/usr/bin/python3
"""A trustsim results file as pandas data frames (docs/output.md describes the file).

    import trustsim_results as tr
    runs = tr.runs("results/crunch.h5")          # one row per complete run
    trust = tr.metric("results/crunch.h5", "trust_mean")   # run, ..., day, value
    trust.groupby(["grid_point", "day"])["value"].mean()

Every table holds the complete runs only (status "complete"); a run an interrupted
`trustsim run` left behind is not in it. Each starts with the columns that say which run
a row belongs to: `run` (the N of rNNNNNN), `grid_point`, `replicate`, `pattern` and
`arm` (validation files) and one column per swept key, named by its key path, with its
value at the run's grid point (float for numbers, str for text). `runs()` adds `seed` and
the summary scalars; `metric()` adds `day` and `value`; `teams()`, `agents()`,
`incidents()` and `edges()` add the table's columns; `team_trust()` adds `from_team`,
`to_team` and `trust`. A column that holds one value per domain becomes one column per
domain, `trust[design]` (`trust[0]` where the file does not name the domains of every
run). A swept key named like one of the run columns or `day`/`value` (`seed`) is
`sweep.<key>`. Each frame's `.attrs["units"]` maps columns to their units and
`.attrs["descriptions"]` to the file's descriptions.

A path that is not there raises FileNotFoundError; anything else wrong with the file (not
HDF5, not a results file, no complete run, a dataset not as docs/output.md says, an
unknown metric, a day without a snapshot) raises ValueError with one message naming the
file and the object. Needs only numpy, pandas and h5py.

As a program (exit status 0 ok, 1 the CSV could not be written, 2 bad input):

    /usr/bin/python3 analysis/trustsim_results.py FILE.h5 [--metric NAME] [--csv OUT]
"""
import argparse
import difflib
import functools
import os
import re
import sys

import h5py
import numpy as np
import pandas as pd

__all__ = ["runs", "metric", "metric_names", "teams", "agents", "incidents", "edges",
           "team_trust", "snapshot_days"]

PROG = "trustsim_results.py"

RUN_NAME = re.compile(r"^r([0-9]{6,})$")
# The columns that identify a run in every frame, and those a long table adds; a swept
# key with one of these names is given the prefix "sweep.".
ID_COLUMNS = ("run", "grid_point", "replicate", "seed", "pattern", "arm")
RESERVED = ID_COLUMNS + ("day", "value")


class _Bad(Exception):
    """Something in the file is not as docs/output.md says; the message names the object
    (the file's name is added where it is caught)."""


def _as_str(x):
    return x.decode("utf-8", "replace") if isinstance(x, bytes) else str(x)


def _public(fn):
    """Turns what goes wrong inside into one ValueError naming the file: our own checks
    (_Bad) and whatever h5py raises on a damaged file (OSError, KeyError, ...)."""

    @functools.wraps(fn)
    def wrapper(path, *args, **kwargs):
        try:
            return fn(path, *args, **kwargs)
        except _Bad as e:
            raise ValueError("%s: %s" % (os.fspath(path), e)) from None
        except FileNotFoundError:
            raise
        except (OSError, KeyError, RuntimeError) as e:
            raise ValueError("%s: cannot read: %s" % (os.fspath(path), e)) from None

    return wrapper


# ---------------------------------------------------------------------------
# Reading the file.


def _open(path):
    path = os.fspath(path)
    if os.path.isdir(path):
        raise _Bad("is a directory, expected a trustsim results file")
    if not os.path.exists(path):
        raise FileNotFoundError("%s: no such file" % path)
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        text = str(e)
        if "signature" in text:
            raise _Bad("not an HDF5 file, so not a trustsim results file")
        if "truncated file" in text:
            raise _Bad("the file is truncated (shorter than HDF5 says it is: an incomplete "
                       "copy?): %s" % text)
        if "lock file" in text:
            raise _Bad("cannot open it: another program (a trustsim run?) is writing it (%s)"
                       % text)
        raise _Bad("cannot open as HDF5: %s" % text)
    return f


def _get(group, name, where):
    """group[name], or None when absent; a link that leads nowhere is an error."""
    try:
        link = group.get(name, getlink=True)
    except (KeyError, OSError, ValueError) as e:
        raise _Bad("%s cannot be opened (%s)" % (where, e))
    if link is None:
        return None
    try:
        return group[name]
    except (KeyError, OSError, ValueError) as e:
        if isinstance(link, h5py.SoftLink):
            raise _Bad("%s is a link to %s, which is not there" % (where, link.path))
        raise _Bad("%s cannot be opened (%s)" % (where, e))


def _group(obj, where):
    if not isinstance(obj, h5py.Group):
        raise _Bad("%s is a dataset, expected a group" % where)
    return obj


def _members(group, where):
    """(name, object, path) of each member, in the group's order."""
    try:
        names = list(group.keys())
    except (KeyError, OSError, ValueError) as e:
        raise _Bad("the members of %s cannot be listed (%s)" % (where, e))
    for name in names:
        path = "%s/%s" % (where.rstrip("/"), name)
        yield name, _get(group, name, path), path


def _is_text(dt):
    return h5py.check_string_dtype(dt) is not None or dt.kind in "SU"


def _dataset(obj, where, ndims, what):
    """A dataset of numbers with one of the dimensions in `ndims`, read whole."""
    if not isinstance(obj, h5py.Dataset):
        raise _Bad("%s is a group, expected %s" % (where, what))
    if obj.dtype.kind not in "biuf":
        kind = "a string" if _is_text(obj.dtype) else "of type %s" % obj.dtype
        raise _Bad("%s is %s, expected %s" % (where, kind, "a number" if ndims == (0,)
                                              else what + " of numbers"))
    if obj.ndim not in ndims:
        shape = "a scalar" if obj.ndim == 0 else "%d-D (shape %s)" % (obj.ndim, obj.shape)
        raise _Bad("%s is %s, expected %s" % (where, shape, what))
    try:
        return obj[()]
    except (OSError, ValueError, TypeError) as e:
        raise _Bad("%s cannot be read (%s)" % (where, e))


def _attr(obj, name, where):
    try:
        return obj.attrs[name] if name in obj.attrs else None
    except (OSError, TypeError, ValueError, KeyError) as e:
        raise _Bad("%s attribute %s cannot be read (%s)" % (where, name, e))


def _attr_int(obj, name, where, hi=None):
    v = _attr(obj, name, where)
    if v is None:
        raise _Bad("%s has no attribute %s" % (where, name))
    a = np.asarray(v)
    if a.shape not in ((), (1,)) or a.dtype.kind not in "biuf":
        raise _Bad("%s attribute %s is %r, expected an integer" % (where, name, v))
    x = a.reshape(())[()]
    # Integers compare as integers: a uint64 seed does not survive a trip through float.
    if a.dtype.kind == "f" and (not np.isfinite(x) or float(x) != int(x)):
        raise _Bad("%s attribute %s is %r, expected an integer" % (where, name, v))
    x = int(x)
    if x < 0:
        raise _Bad("%s attribute %s is %d, expected at least 0" % (where, name, x))
    if hi is not None and x >= hi:
        raise _Bad("%s attribute %s is %d, expected 0 to %d" % (where, name, x, hi - 1))
    return x


def _units(ds):
    return _as_str(ds.attrs.get("units", ""))


def _description(ds):
    return _as_str(ds.attrs.get("description", ""))


def _domains_in_yaml(text):
    """The domain names of a resolved scenario (as `trustsim check` prints it: one line
    `domains: [a, b]` at the top level), or None when the text does not say one list for
    every run (a variant that sets its own domains)."""
    if not text:
        return None
    lines = [ln for ln in text.splitlines() if ln.lstrip().startswith("domains:")]
    if len(lines) != 1:
        return None
    m = re.match(r"^domains: \[(.*)\]\s*$", lines[0])
    if not m:
        return None
    return [x.strip().strip('"').strip("'") for x in m.group(1).split(",") if x.strip()]


class _Run:
    """One complete run: its number, group, path and identifying columns."""

    def __init__(self, number, group, where, ids):
        self.number = number
        self.group = group
        self.where = where
        self.ids = ids  # column -> value, in column order (run, grid_point, ...)


class _Results:
    """An open results file: the sweep grid and the complete runs."""

    def __init__(self, f):
        self.f = f
        runs_group = _get(f, "runs", "/runs")
        if runs_group is None:
            raise _Bad("not a trustsim results file (no /runs group)")
        _group(runs_group, "/runs")
        self.grid, self.n_points = self._read_grid()
        self.grid_columns = [("sweep." + k if k in RESERVED else k) for k in self.grid]
        self._domains = {}
        self.runs = []
        incomplete = []
        pattern_seen = arm_seen = False
        for name, g, where in _members(runs_group, "/runs"):
            m = RUN_NAME.match(name)
            if not m:
                raise _Bad("%s is not named like a run (rNNNNNN)" % where)
            _group(g, where)
            status = _attr(g, "status", where)
            if status is None or _as_str(status) != "complete":
                incomplete.append(where)
                continue
            ids = {"run": int(m.group(1)),
                   "grid_point": _attr_int(g, "grid_point", where, self.n_points),
                   "replicate": _attr_int(g, "replicate", where)}
            for a in ("pattern", "arm"):
                v = _attr(g, a, where)
                ids[a] = None if v is None else _as_str(v)
            pattern_seen |= ids["pattern"] is not None
            arm_seen |= ids["arm"] is not None
            self.runs.append(_Run(ids["run"], g, where, ids))
        if not self.runs:
            if not incomplete:
                raise _Bad("/runs holds no run")
            raise _Bad("/runs holds no complete run (%d incomplete: %s%s; finish them with "
                       "trustsim run --resume)" % (len(incomplete), ", ".join(incomplete[:3]),
                                                   ", ..." if len(incomplete) > 3 else ""))
        self.runs.sort(key=lambda r: r.number)
        self.id_columns = ["run", "grid_point", "replicate"]
        self.id_columns += [c for c, seen in (("pattern", pattern_seen), ("arm", arm_seen))
                            if seen]
        for r in self.runs:
            cols = {c: r.ids[c] for c in self.id_columns}
            for key, col in zip(self.grid, self.grid_columns):
                cols[col] = self.grid[key][r.ids["grid_point"]]
            r.ids = cols

    def _read_grid(self):
        """/sweep/grid as {key: [value per grid point]} in sweep order, and n_points."""
        sweep = _get(self.f, "sweep", "/sweep")
        grid_group = None if sweep is None else _get(_group(sweep, "/sweep"), "grid",
                                                     "/sweep/grid")
        if grid_group is None:
            return {}, None
        _group(grid_group, "/sweep/grid")
        grid, n, first = {}, None, None
        for key, ds, where in _members(grid_group, "/sweep/grid"):
            if not isinstance(ds, h5py.Dataset) or ds.ndim != 1:
                raise _Bad("%s is not a 1-D dataset (a value per grid point)" % where)
            try:
                if _is_text(ds.dtype):
                    vals = [str(v) for v in ds.asstr()[()]]
                elif ds.dtype.kind in "biuf":
                    vals = [float(v) for v in ds[()]]
                else:
                    raise _Bad("%s is of type %s, expected numbers or strings"
                               % (where, ds.dtype))
            except (OSError, ValueError, TypeError) as e:
                raise _Bad("%s cannot be read (%s)" % (where, e))
            if n is not None and len(vals) != n:
                raise _Bad("%s has %d values, but %s has %d" % (where, len(vals), first, n))
            if first is None:
                n, first = len(vals), where
            grid[key] = vals
        n_attr = (_attr_int(grid_group, "n_points", "/sweep/grid")
                  if "n_points" in grid_group.attrs else None)
        if n is None:
            n = n_attr if n_attr is not None else 1
        elif n_attr is not None and n_attr != n:
            raise _Bad("/sweep/grid attribute n_points is %d, but its datasets have %d values"
                       % (n_attr, n))
        return grid, n

    def domains(self, run):
        """The domain names of a run, or None when the file does not name them."""
        key = (run.ids.get("pattern"), run.ids.get("arm"))
        if key not in self._domains:
            text = None
            if key == (None, None):
                text = _attr(self.f, "scenario_yaml", "/")
            else:
                arm = self.f.get("validation/patterns/%s/arms/%s" % key)
                if isinstance(arm, h5py.Group):
                    text = _attr(arm, "scenario_yaml", "/validation/patterns/%s/arms/%s" % key)
            self._domains[key] = _domains_in_yaml(_as_str(text) if text is not None else "")
        return self._domains[key]


def _frame(columns, units, descriptions, path, **extra):
    """A DataFrame of an ordered {column: values} with its attributes."""
    df = pd.DataFrame(columns)
    df.attrs["file"] = os.fspath(path)
    df.attrs["units"] = units
    df.attrs["descriptions"] = descriptions
    df.attrs.update(extra)
    return df


def _id_arrays(res, pieces):
    """The identifying columns of a long table: for each (run, rows) piece, the run's
    value repeated rows times."""
    cols = {}
    names = res.id_columns + res.grid_columns
    for c in names:
        parts = []
        for run, n in pieces:
            v = run.ids[c]
            if isinstance(v, str) or v is None:
                parts.append(np.full(n, v, dtype=object))
            else:
                parts.append(np.full(n, v, dtype=np.int64 if isinstance(v, int) else float))
        cols[c] = np.concatenate(parts) if parts else np.zeros(0)
    return cols


def _table_columns(res, run, group, where, n_rows=None, skip=()):
    """The columns of one run's table (agents, teams, incidents, a snapshot's edges) as
    an ordered {column: array}, per-domain columns split in one column per domain, and
    {column: (units, description)}. Every column must have the same number of rows."""
    cols, meta, first = {}, {}, None
    for name, ds, dpath in _members(group, where):
        if name in skip:
            continue
        a = _dataset(ds, dpath, (1, 2), "a column (a row each)")
        if n_rows is None:
            n_rows, first = a.shape[0], dpath
        elif a.shape[0] != n_rows:
            raise _Bad("%s has %d rows, but %s has %d" % (dpath, a.shape[0], first, n_rows))
        info = (_units(ds), _description(ds))
        if a.ndim == 1:
            cols[name], meta[name] = a, info
            continue
        doms = res.domains(run)
        if doms is None or len(doms) != a.shape[1]:
            doms = [str(i) for i in range(a.shape[1])]
        for i, d in enumerate(doms):
            c = "%s[%s]" % (name, d)
            cols[c], meta[c] = a[:, i], info
    return cols, meta


def _long_table(res, path, part, what):
    """The table `part` (teams, agents, incidents) of every complete run, long."""
    pieces, data, meta = [], [], {}
    for run in res.runs:
        g = _get(run.group, part, run.where + "/" + part)
        if g is None:
            continue
        cols, m = _table_columns(res, run, _group(g, run.where + "/" + part),
                                 run.where + "/" + part)
        n = len(next(iter(cols.values()))) if cols else 0
        pieces.append((run, n))
        data.append(cols)
        for c, info in m.items():
            meta.setdefault(c, info)
    if not pieces:
        raise _Bad("no complete run has a %s table (/runs/rNNNNNN/%s)" % (what, part))
    return _assemble(res, path, pieces, data, meta)


def _assemble(res, path, pieces, data, meta, **extra):
    """Identifying columns, then the data columns (their union over runs, NaN or None
    where a run lacks one), as one DataFrame."""
    order = []
    for cols in data:
        order.extend(c for c in cols if c not in order)
    columns = _id_arrays(res, pieces)
    for c in order:
        if c in columns:
            raise _Bad("a column named %s is also a run column" % c)
        parts = []
        for (run, n), cols in zip(pieces, data):
            parts.append(cols[c] if c in cols else np.full(n, np.nan))
        columns[c] = np.concatenate(parts) if parts else np.zeros(0)
    units = {c: meta[c][0] for c in order}
    descriptions = {c: meta[c][1] for c in order}
    return _frame(columns, units, descriptions, path, **extra)


def _with_results(fn):
    """Opens the file, reads its runs and closes it around fn(res, path, ...)."""

    @functools.wraps(fn)
    def wrapper(path, *args, **kwargs):
        f = _open(path)
        with f:
            return fn(_Results(f), path, *args, **kwargs)

    return _public(wrapper)


# ---------------------------------------------------------------------------
# The frames.


@_with_results
def runs(res, path):
    """One row per complete run: run, grid_point, replicate, seed, pattern and arm (when
    the runs have them: validation files), the swept keys' values, then every summary
    scalar (NaN where a run lacks one). .attrs["units"] maps summary columns to units."""
    names, meta = [], {}
    values = []
    for run in res.runs:
        seed = _attr_int(run.group, "seed", run.where)
        row = {}
        g = _get(run.group, "summary", run.where + "/summary")
        if g is not None:
            for name, ds, dpath in _members(_group(g, run.where + "/summary"),
                                             run.where + "/summary"):
                row[name] = float(_dataset(ds, dpath, (0,), "a scalar"))
                if name not in meta:
                    names.append(name)
                    meta[name] = (_units(ds), _description(ds))
        values.append((run, seed, row))
    names.sort()
    columns = {c: [] for c in res.id_columns}
    columns["seed"] = []
    for c in res.grid_columns:
        columns[c] = []
    for n in names:
        if n in columns:
            raise _Bad("summary %s is named like a run column" % n)
        columns[n] = []
    for run, seed, row in values:
        for c in res.id_columns + res.grid_columns:
            columns[c].append(run.ids[c])
        columns["seed"].append(seed)
        for n in names:
            columns[n].append(row.get(n, np.nan))
    for c in ("run", "grid_point", "replicate"):
        columns[c] = np.asarray(columns[c], dtype=np.int64)
    columns["seed"] = np.asarray(columns["seed"], dtype=np.uint64)
    for n in names:
        columns[n] = np.asarray(columns[n], dtype=float)
    for c in res.grid_columns:
        if all(isinstance(v, float) for v in columns[c]):
            columns[c] = np.asarray(columns[c], dtype=float)
    return _frame(columns, {n: meta[n][0] for n in names}, {n: meta[n][1] for n in names},
                  path)


def _metric_names(res):
    names = []
    for run in res.runs:
        g = _get(run.group, "metrics", run.where + "/metrics")
        if g is not None:
            names.extend(n for n in _group(g, run.where + "/metrics").keys() if n not in names)
    return sorted(names)


@_with_results
def metric_names(res, path):
    """The names of the daily metrics of the complete runs (their union), sorted."""
    return _metric_names(res)


def _unknown(kind, name, known, where):
    close = difflib.get_close_matches(name, known, n=1)
    hint = " (did you mean %s?)" % close[0] if close else ""
    listing = ", ".join(known) if known else "none"
    return _Bad("no %s %r (%s) in any complete run%s; available: %s"
                % (kind, name, where, hint, listing))


@_with_results
def metric(res, path, name):
    """A daily metric of every complete run that has it, long: the run columns, `day`
    (0 to days: row d of metrics/<name> is day d, day 0 the end of the warm-up) and
    `value`. A metric a run does not write (a tactic off at its grid point) gives that
    run no rows. .attrs["units"]["value"] is the metric's units."""
    if not isinstance(name, str):
        raise _Bad("a metric name is a string, got %r" % (name,))
    if not name or "/" in name:
        raise _unknown("metric", name, _metric_names(res), "/runs/rNNNNNN/metrics/%s" % name)
    pieces, days, values, units, desc = [], [], [], None, None
    for run in res.runs:
        g = _get(run.group, "metrics", run.where + "/metrics")
        if g is None:
            continue
        dpath = "%s/metrics/%s" % (run.where, name)
        ds = _get(_group(g, run.where + "/metrics"), name, dpath)
        if ds is None:
            continue
        v = np.asarray(_dataset(ds, dpath, (1,), "a 1-D series (a value per day)"),
                       dtype=float)
        pieces.append((run, v.size))
        days.append(np.arange(v.size, dtype=np.int64))
        values.append(v)
        if units is None:
            units, desc = _units(ds), _description(ds)
    if not pieces:
        raise _unknown("metric", name, _metric_names(res), "/runs/rNNNNNN/metrics/%s" % name)
    columns = _id_arrays(res, pieces)
    columns["day"] = np.concatenate(days)
    columns["value"] = np.concatenate(values)
    return _frame(columns, {"day": "day", "value": units}, {"value": desc}, path,
                  metric=name)


@_with_results
def teams(res, path):
    """The per-team table (teams/<column>) of every complete run: the run columns, then
    one row per team (manager, members, trust_within, ...) as at the end of the run."""
    return _long_table(res, path, "teams", "per-team")


@_with_results
def agents(res, path):
    """The per-agent table (agents/<column>) of every complete run, one row per agent
    ever hired, after the run columns; competence per domain as competence[<domain>]."""
    return _long_table(res, path, "agents", "per-agent")


@_with_results
def incidents(res, path):
    """The incident table (incidents/<column>) of every complete run, one row per
    incident after the run columns (runs without an incident have no rows)."""
    return _long_table(res, path, "incidents", "incident")


def _snapshots(res):
    """{run number: {day: (group, path)}} of every complete run."""
    out = {}
    for run in res.runs:
        days = {}
        g = _get(run.group, "snapshots", run.where + "/snapshots")
        if g is not None:
            for _, s, where in _members(_group(g, run.where + "/snapshots"),
                                        run.where + "/snapshots"):
                _group(s, where)
                v = _attr(s, "day", where)
                a = np.asarray(v) if v is not None else None
                if a is None or a.shape not in ((), (1,)) or a.dtype.kind not in "iu":
                    raise _Bad("%s attribute day is %r, expected an integer" % (where, v))
                days[int(a.reshape(())[()])] = (s, where)
        out[run.number] = days
    return out


def _day(day):
    if isinstance(day, (bool, np.bool_)) or not isinstance(day, (int, np.integer)):
        if isinstance(day, (float, np.floating)) and float(day).is_integer():
            return int(day)
        raise _Bad("a snapshot day is an integer, got %r" % (day,))
    return int(day)


def _snapshot_of(res, day):
    """[(run, group, path)] of the complete runs with a snapshot on `day`."""
    day = _day(day)
    snaps = _snapshots(res)
    found = [(run, snaps[run.number][day][0], snaps[run.number][day][1])
             for run in res.runs if day in snaps[run.number]]
    if not found:
        avail = sorted(set(d for s in snaps.values() for d in s))
        if not avail:
            raise _Bad("no snapshot of day %d: no complete run has a snapshot "
                       "(/runs/rNNNNNN/snapshots/dNNNNNN; the scenario's output.snapshot_every "
                       "is 0?)" % day)
        raise _Bad("no snapshot of day %d (/runs/rNNNNNN/snapshots/d%06d) in the complete "
                   "runs; snapshot days: %s" % (day, day, ", ".join(str(d) for d in avail)))
    return day, found


@_with_results
def snapshot_days(res, path):
    """The days of the snapshots of the complete runs (their union), sorted."""
    return sorted(set(d for s in _snapshots(res).values() for d in s))


@_with_results
def edges(res, path, day):
    """The snapshot of `day` (snapshots/dNNNNNN) of every complete run that has it, one
    row per (believer, person believed about) pair after the run columns: from, to,
    mean[<domain>], sd[<domain>], trust[<domain>], integrity, goodwill (and any column a
    module adds)."""
    day, found = _snapshot_of(res, day)
    pieces, data, meta = [], [], {}
    for run, s, where in found:
        n = None
        frm = _get(s, "from", where + "/from")
        if frm is not None:
            n = _dataset(frm, where + "/from", (1,), "a column (a row per pair)").shape[0]
        cols, m = _table_columns(res, run, s, where, n_rows=n, skip=("team_trust", "team_ids"))
        # from and to first, the rest in the file's order.
        cols = dict(sorted(cols.items(), key=lambda kv: {"from": 0, "to": 1}.get(kv[0], 2)))
        pieces.append((run, n if n is not None else 0))
        data.append(cols)
        for c, info in m.items():
            meta.setdefault(c, info)
    return _assemble(res, path, pieces, data, meta, day=day)


@_with_results
def team_trust(res, path, day):
    """The team-by-team trust of the snapshot of `day` of every complete run that has
    it, long: the run columns, from_team and to_team (each team's manager id, from
    team_ids) and trust, the mean trust of the members of from_team in those of to_team
    (NaN where no one of from_team knows anyone of to_team)."""
    day, found = _snapshot_of(res, day)
    pieces, data, units = [], [], None
    for run, s, where in found:
        tt_ds = _get(s, "team_trust", where + "/team_trust")
        ids_ds = _get(s, "team_ids", where + "/team_ids")
        if tt_ds is None or ids_ds is None:
            raise _Bad("%s/%s is missing" % (where, "team_trust" if tt_ds is None
                                              else "team_ids"))
        ids = _dataset(ids_ds, where + "/team_ids", (1,), "a 1-D dataset [k]")
        k = ids.shape[0]
        tt = _dataset(tt_ds, where + "/team_trust", (2,), "a 2-D dataset [k][k]") \
            if k or tt_ds.ndim == 2 else np.zeros((0, 0))
        if tt.shape != (k, k):
            raise _Bad("%s/team_trust has shape %s, expected (%d, %d) (one row and column "
                       "per team of team_ids)" % (where, tt.shape, k, k))
        pieces.append((run, k * k))
        data.append({"from_team": np.repeat(ids, k).astype(np.int64),
                     "to_team": np.tile(ids, k).astype(np.int64),
                     "trust": tt.astype(float).reshape(-1)})
        units = units or _units(tt_ds)
    meta = {"from_team": ("agent id", "The manager of the trusting team."),
            "to_team": ("agent id", "The manager of the team trusted."),
            "trust": (units, "Mean trust of the members of from_team in those of to_team "
                      "(NaN where no one of from_team knows anyone of to_team).")}
    return _assemble(res, path, pieces, data, meta, day=day)


# ---------------------------------------------------------------------------
# Command line.


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # One line, exit 2, as for a bad file.
        print("%s: %s (see --help)" % (PROG, message), file=sys.stderr)
        sys.exit(2)


def _parse_args(argv):
    ap = _Parser(
        prog=PROG,
        description="Print the runs of a trustsim results file as a table (one row per "
        "complete run: grid point, replicate, seed, swept values, summary scalars), or a "
        "daily metric in long format (one row per run and day), or write it as CSV.",
        epilog="Exit status: 0 ok, 1 the CSV could not be written, 2 bad input (a missing "
        "or malformed file, an unknown metric).")
    ap.add_argument("file", metavar="FILE.h5",
                    help="results file written by `trustsim run` or `trustsim validate`")
    ap.add_argument("--metric", metavar="NAME",
                    help="the daily metric NAME instead of the runs table")
    ap.add_argument("--csv", metavar="OUT",
                    help="write CSV to OUT instead of printing a table (- for stdout)")
    return ap.parse_args(argv)


def main(argv=None):
    args = _parse_args(argv)
    try:
        df = metric(args.file, args.metric) if args.metric is not None else runs(args.file)
    except (ValueError, FileNotFoundError) as e:
        print("%s: %s" % (PROG, e), file=sys.stderr)
        return 2
    try:
        if args.csv == "-":
            df.to_csv(sys.stdout, index=False)
        elif args.csv:
            try:
                df.to_csv(args.csv, index=False)
            except OSError as e:
                print("%s: cannot write %s: %s" % (PROG, args.csv, e.strerror or e),
                      file=sys.stderr)
                return 1
        else:
            print(df.to_string(index=False))
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (head, less) stopped early: not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
