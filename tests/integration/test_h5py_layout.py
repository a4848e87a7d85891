"""Integration test of the results file layout (sim/h5out.c through the binary), read
back with h5py as a researcher would: root attributes, run groups and their attributes,
self-describing metrics with units and compression, the per-agent table, snapshots and
the sweep grid. Run by ctest as: python3 test_h5py_layout.py BINARY TMPDIR."""
import os
import subprocess
import sys

import h5py
import numpy as np

SCENARIO = """\
name: layout
days: 30
replicates: 2
domains: [design, debugging, people]
org: {headcount: 40, warmup_days: 10}
output: {snapshot_every: 10, snapshot_agents: 15}
sweep:
  trust.capacity: [16, 32]
  hiring.growth: [none, exponential]
"""

ENGINE_METRICS = ["headcount", "managers", "depth", "acquaintances", "coverage"]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def main():
    binary, tmp = sys.argv[1], os.path.join(sys.argv[2], "h5py")
    os.makedirs(tmp, exist_ok=True)
    scen = os.path.join(tmp, "layout.yaml")
    out = os.path.join(tmp, "layout.h5")
    with open(scen, "w") as f:
        f.write(SCENARIO)
    subprocess.run([binary, "run", scen, "-o", out, "--force", "--quiet"], check=True)

    with h5py.File(out, "r") as f:
        for a in ["trustsim_version", "scenario_name", "scenario_yaml", "created_utc",
                  "command_line"]:
            check(a in f.attrs, "root attribute %s missing" % a)
        check(f.attrs["scenario_name"] == "layout", "scenario_name")
        check("replicates: 2" in f.attrs["scenario_yaml"], "resolved YAML stored")

        # 4 grid points x 2 replicates, replicate-major run numbering.
        runs = sorted(f["runs"])
        check(runs == ["r%06d" % i for i in range(8)], "run groups: %s" % runs)
        grid = f["sweep/grid"]
        check(list(grid) == ["trust.capacity", "hiring.growth"], "grid keys %s" % list(grid))
        check(np.array_equal(grid["trust.capacity"][:], [16, 16, 32, 32]), "grid capacity")
        growth = [g.decode() if isinstance(g, bytes) else g for g in grid["hiring.growth"][:]]
        check(growth == ["none", "exponential", "none", "exponential"], "grid growth")

        seeds = {}
        for i, name in enumerate(runs):
            run = f["runs"][name]
            check(run.attrs["status"] == "complete", "status of %s" % name)
            check(run.attrs["grid_point"] == i % 4, "grid_point of %s" % name)
            check(run.attrs["replicate"] == i // 4, "replicate of %s" % name)
            check(run.attrs["trust.capacity"] == [16, 16, 32, 32][i % 4], "swept attribute")
            check(run.attrs["wall_seconds"] >= 0, "wall_seconds")
            seeds.setdefault(int(run.attrs["replicate"]), set()).add(int(run.attrs["seed"]))
            for m in ENGINE_METRICS:
                ds = run["metrics"][m]
                check(ds.shape == (31,), "%s shape %s" % (m, ds.shape))
                check(ds.dtype == np.float64, "%s dtype" % m)
                check(len(ds.attrs["units"]) > 0 and len(ds.attrs["description"]) > 0,
                      "%s units/description" % m)
                check(ds.compression == "gzip" and ds.shuffle and ds.chunks is not None,
                      "%s chunked+shuffled+deflated" % m)
            hc = run["metrics/headcount"][:]
            check(hc[0] == 40, "headcount at day 0: %s" % hc[0])
            agents = run["agents"]
            n = agents["id"].shape[0]
            check(n >= 40, "agent table rows")
            check(agents["competence"].shape == (n, 3), "competence is [n][D]")
            check(np.array_equal(agents["id"][:], np.arange(n)), "ids in hiring order")
            snaps = sorted(run["snapshots"])
            check(snaps == ["d000010", "d000020", "d000030"], "snapshots %s" % snaps)
            s = run["snapshots/d000030"]
            for col in ["from", "to", "mean", "sd", "trust", "integrity", "goodwill",
                        "team_trust"]:
                check(col in s, "snapshot column %s" % col)
            k = s["team_trust"].shape[0]
            check(s["team_trust"].shape == (k, k) and s["team_ids"].shape == (k,),
                  "team_trust is k x k")
            ne = s["from"].shape[0]
            check(s["trust"].shape == (ne, 3), "trust is [edges][D]")
        # Common random numbers: the grid points of a replicate share its seed, and the
        # replicates' seeds differ.
        check(all(len(v) == 1 for v in seeds.values()), "one seed a replicate")
        check(len(set().union(*seeds.values())) == len(seeds) == 2, "a seed per replicate")
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
