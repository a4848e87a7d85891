"""Integration test of the metrics contract (MODEL.md §8) through the binary: a run with
growth, an incident and every tactic on writes every daily metric and summary scalar under its contract
name, the snapshots, the per-agent table and the incident row; nothing is NaN except
where §8 allows it; and docs/output.md lists every dataset with its units, so the docs
cannot drift from the file. Run by ctest as: python3 test_metrics_contract.py BINARY TMP."""
import math
import os
import re
import subprocess
import sys

import h5py
import numpy as np

METRICS = """headcount, managers, depth, trust_mean, trust_team, trust_cross, coverage,
model_error, alignment_error, decisions, reviews, escalations, deep_dives, rubber_stamps,
stakeholders_per_decision, decision_latency, hours_productive, hours_review,
hours_deep_dive, hours_meetings, hours_coordination, hours_incident,
leader_in_system, tasks_completed, tasks_failed, output_per_head, failures_owned,
failures_concealed, concealed_discovered, safety_mean, goodwill_mean,
integrity_mean, fud_mean, incident_active, incident_progress, acquaintances"""

SUMMARIES = """trust_final, coverage_final, escalations_per_decision,
deep_dives_per_decision, leader_in_system_mean, output_per_head_mean,
output_per_head_last90, model_error_final, safety_final, incident_days,
incident_coordination_hours"""

AGENT_COLUMNS = ["id", "manager", "depth", "hire_day", "competence", "candor", "openness",
                 "safety", "models_held", "trust_given", "trust_received", "model_error"]
TEAM_COLUMNS = ["manager", "members", "trust_within", "output_per_head", "failures",
                "failures_owned", "safety", "tech_debt"]
INCIDENT_COLUMNS = ["start_day", "end_day", "work_hours", "responders", "workstreams",
                    "independent_streams", "coordination_hours"]

SCENARIO = """\
name: contract
days: 120
org: {headcount: 150, warmup_days: 60}
hiring: {growth: exponential, annual_rate: 2.0}
output: {snapshot_every: 60, snapshot_agents: 40}
tactics:
  one_on_ones: {}
  feedback: {}
  broadcast: {}
  trial_tasks: {}
  status_updates: {}
  inspection_forums: {}
  coffee_chats: {}
  transitive_trust: {}
  ask_for_help: {}
  onboarding: {}
  offsites: {every: 60}
  repair: {}
events:
  - {day: 30, kind: incident, domain: debugging, work_hours: 800, responders: 20, workstreams: 4}
  - {day: 60, kind: strategy_shift, magnitude: 0.3}
"""


def names(text):
    return [n.strip() for n in text.replace("\n", " ").split(",") if n.strip()]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def main():
    binary, tmp = sys.argv[1], os.path.join(sys.argv[2], "contract")
    os.makedirs(tmp, exist_ok=True)
    scen, out = os.path.join(tmp, "contract.yaml"), os.path.join(tmp, "contract.h5")
    with open(scen, "w") as f:
        f.write(SCENARIO)
    subprocess.run([binary, "run", scen, "-o", out, "--force", "--quiet"], check=True)
    here = os.path.dirname(os.path.abspath(__file__))
    doc = open(os.path.join(here, "..", "..", "docs", "output.md")).read()
    failures = []
    with h5py.File(out, "r") as f:
        run = f["runs/r000000"]
        for m in names(METRICS):
            if m not in run["metrics"]:
                failures.append("metric %s missing" % m)
                continue
            v = run["metrics"][m][:]
            if v.shape != (121,):
                failures.append("metric %s has shape %s" % (m, v.shape))
            if np.isnan(v).any():
                failures.append("metric %s is NaN on days %s" % (m, np.where(np.isnan(v))[0][:5]))
        for s in names(SUMMARIES):
            if s not in run["summary"]:
                failures.append("summary %s missing" % s)
            elif math.isnan(float(run["summary"][s][()])):
                failures.append("summary %s is NaN" % s)
        for c in AGENT_COLUMNS:
            if c not in run["agents"]:
                failures.append("agent column %s missing" % c)
        # One row per team, every column as long as the manager column.
        n_teams = run["teams/manager"].shape[0]
        if n_teams < 10:
            failures.append("only %d teams" % n_teams)
        for c in TEAM_COLUMNS:
            if c not in run["teams"] or run["teams"][c].shape != (n_teams,):
                failures.append("team column %s missing or not one row a team" % c)
        for c in INCIDENT_COLUMNS:
            if c not in run["incidents"] or run["incidents"][c].shape != (1,):
                failures.append("incident column %s missing or not one row" % c)
        if sorted(run["snapshots"]) != ["d000060", "d000120"]:
            failures.append("snapshots %s" % sorted(run["snapshots"]))
        # Growth happened and the incident ended.
        hc = run["metrics/headcount"][:]
        if not hc[-1] > hc[0] * 1.2:
            failures.append("no growth: %s -> %s" % (hc[0], hc[-1]))
        if not run["incidents/end_day"][0] > 30:
            failures.append("incident unresolved")
        # Every dataset is documented with its units in docs/output.md.
        # (in its own section: names such as safety are in several tables).
        for group in ["metrics", "summary", "agents", "incidents", "teams"]:
            head = re.search(r"^### [^\n]*`%s/<" % group, doc, re.M)
            if not head:
                failures.append("docs/output.md has no section for %s/" % group)
                continue
            rest = doc[head.end():]
            end = re.search(r"^##", rest, re.M)
            section = rest[:end.start()] if end else rest
            for name, ds in run[group].items():
                units = ds.attrs["units"]
                units = units.decode() if isinstance(units, bytes) else units
                row = re.search(r"^\|\s*`%s`\s*\|\s*([^|]*)\|" % re.escape(name), section,
                                re.M)
                if not row:
                    failures.append("docs/output.md does not list %s/%s" % (group, name))
                elif row.group(1).strip() != units:
                    failures.append("docs/output.md gives %s/%s units '%s', the file '%s'"
                                    % (group, name, row.group(1).strip(), units))
    if failures:
        for x in failures:
            print("FAIL: " + x)
        print("0 passed, 1 failed")
        sys.exit(1)
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
