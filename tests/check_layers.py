"""Layering of sim/, checked from the sources (ctest style/layers; run from the source
directory: python3 tests/check_layers.py [ROOT]).

1. The scenario loader (sim/scenario/scenario*.c and its internal headers) is layered:
   every file has a layer in LOADER_LAYERS, and each one includes the internal headers and
   calls the functions of its own layer or those below, never above; no cycle between its
   files. Calls are found by name: the functions defined (not static) in each file of sim/'s
   folders, against the names called in the loader's files. The public header
   sim/scenario/scenario.h declares functions of several layers, so its functions are
   checked where they are defined.
2. The folders of sim/ are layers (FOLDER_LAYERS): a file includes headers of its own
   folder or of the folders below it, never above.
3. Only the application layer of sim/ (APP_LAYER: sim/app/, the commands, which pick the
   real module table) includes headers of models/; the engine (sim/core/), the loader
   (sim/scenario/) and the files (sim/h5/) know nothing of the modules (ARCHITECTURE.md:
   sim/ knows nothing of 1:1s or incidents).

Prints one line per problem and exits 1 if there is any."""
import glob
import os
import re
import sys

# The loader's layers, bottom first; a file may depend on files of a lower number only.
# sim/scenario/scenario.h is the public API of all of them (see 1. above).
LOADER_LAYERS = {
    "scenario_values": 0,  # values, located errors, suggestions, events/sweep/variants
    "scenario_index": 1,  # the key index built from the schema, lookups, marks
    "scenario_get": 2,  # the getters of sim/scenario/scenario.h
    "scenario_design": 3,  # the sensitivity design
    "scenario_parse": 4,  # YAML applied to a scenario
    "scenario": 5,  # lifecycle: new, load, --set, finalize, grid points, copy, free
    "scenario_yaml": 6,  # the resolved scenario written back as YAML
}
PUBLIC_HEADERS = {"scenario"}

# The folders of sim/, bottom first: a file includes headers of its own folder or of lower
# ones only. The numerical building blocks (random streams, statistics, sensitivity maths)
# know nothing of the simulator, the loader nothing of the engine, the engine nothing of
# files, the files nothing of the commands. BASE: headers every layer may include (errors
# and statuses).
FOLDER_LAYERS = {"maths": 0, "scenario": 1, "core": 2, "h5": 3, "app": 4}
BASE = {"status.h"}

# sim/ files that may include headers of models/ (fnmatch patterns on the path below sim/):
# the commands of the application layer, sim/app/.
APP_LAYER = ["app/*"]

KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof", "case", "do", "else",
            "defined", "__attribute__", "format", "_Static_assert", "alignof", "offsetof"}


def strip(text):
    """The text without comments, string and character literals (same line numbers)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(text):
    """(name, is_static, body) of each function defined at the top level of stripped text."""
    text = re.sub(r"^\s*#.*$", "", text, flags=re.M)
    found = []
    depth = 0
    start = 0  # where the current top-level declaration began
    body_from = None
    head = ""
    for i, c in enumerate(text):
        if c == "{":
            if depth == 0:
                head = text[start:i]
                body_from = i
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                m = re.search(r"\b([A-Za-z_]\w*)\s*\((?:[^()]|\([^()]*\))*\)\s*$", head, re.S)
                first = head.split()
                if m and first and first[0] not in ("typedef", "struct", "enum", "union") \
                        and "=" not in head:
                    found.append((m.group(1), "static" in first, text[body_from:i + 1]))
                start = i + 1
        elif c == ";" and depth == 0:
            start = i + 1
    return found


def calls(body):
    return {m.group(1) for m in re.finditer(r"\b([A-Za-z_]\w*)\s*\(", body)} - KEYWORDS


def includes(text):
    return re.findall(r'^\s*#\s*include\s*"([^"]+)"', text, re.M)


def cycles(graph):
    """The strongly connected components of more than one node of {node: set(nodes)}."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(u):
        index[u] = low[u] = len(index)
        stack.append(u)
        on.add(u)
        for v in sorted(graph.get(u, ())):
            if v not in index:
                visit(v)
                low[u] = min(low[u], low[v])
            elif v in on:
                low[u] = min(low[u], index[v])
        if low[u] == index[u]:
            comp = []
            while True:
                v = stack.pop()
                on.discard(v)
                comp.append(v)
                if v == u:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for u in sorted(graph):
        if u not in index:
            visit(u)
    return out


def check_loader(root, bad):
    sim = os.path.join(root, "sim", "scenario")
    owner = {}  # function name -> stem of the sim/ file defining it (not static)
    parsed = {}
    for path in sorted(glob.glob(os.path.join(root, "sim", "*", "*.c"))):
        stem = os.path.basename(path)[:-2]
        text = strip(open(path, encoding="utf-8").read())
        funcs = functions(text)
        parsed[stem] = (text, funcs)
        for name, static, _ in funcs:
            if not static:
                owner.setdefault(name, stem)
    loader = sorted(s for s in parsed if s == "scenario" or s.startswith("scenario_"))
    headers = sorted(os.path.basename(p)[:-2]
                     for p in glob.glob(os.path.join(sim, "scenario*.h")))
    for stem in loader + headers:
        if stem not in LOADER_LAYERS:
            bad.append("layers: sim/scenario/%s.%s has no layer in tests/check_layers.py "
                       "(LOADER_LAYERS)"
                       % (stem, "c" if stem in parsed else "h"))
    graph = {}
    for stem in loader:
        text, funcs = parsed[stem]
        local = {name for name, _, _ in funcs}
        deps = graph.setdefault(stem, {})
        for _, _, body in funcs:
            for name in calls(body) - local:
                other = owner.get(name)
                if other is not None and other != stem and other in loader:
                    deps.setdefault(other, set()).add(name)
    # Includes: a file (or header) of layer L includes internal headers of layers <= L.
    inc_graph = {}
    for stem in loader + headers:
        for ext in (".c", ".h"):
            path = os.path.join(sim, stem + ext)
            if not os.path.exists(path):
                continue
            for inc in includes(open(path, encoding="utf-8").read()):
                other = os.path.basename(inc)[:-2] if inc.endswith(".h") else None
                if other is None or other in PUBLIC_HEADERS or \
                        not (other == "scenario" or other.startswith("scenario_")):
                    continue
                inc_graph.setdefault(stem, set()).add(other)
                lo, lh = LOADER_LAYERS.get(stem), LOADER_LAYERS.get(other)
                if lo is not None and lh is not None and lh > lo:
                    bad.append("layers: sim/scenario/%s%s (layer %d) includes %s (layer %d): upward"
                               % (stem, ext, lo, inc, lh))
    for comp in cycles({k: set(v) for k, v in graph.items()}):
        steps = ["sim/scenario/%s.c -> sim/scenario/%s.c (%s)"
                 % (a, b, ", ".join(sorted(graph[a][b])[:3]))
                 for a in comp for b in comp if b in graph[a]]
        bad.append("layers: dependency cycle between %s: %s"
                   % (", ".join("sim/scenario/%s.c" % c for c in comp), "; ".join(steps)))
    for stem in loader:
        for other, names in sorted(graph[stem].items()):
            lo, lh = LOADER_LAYERS.get(stem), LOADER_LAYERS.get(other)
            if lo is not None and lh is not None and lh >= lo:
                bad.append("layers: sim/scenario/%s.c (layer %d) calls %s of "
                           "sim/scenario/%s.c (layer %d): upward"
                           % (stem, lo, ", ".join(sorted(names)), other, lh))


def check_models(root, bad):
    import fnmatch
    models = {os.path.basename(p) for p in glob.glob(os.path.join(root, "models", "*.h"))}
    sim_headers = {os.path.basename(p)
                   for p in glob.glob(os.path.join(root, "sim", "*", "*.h"))}
    for path in sorted(glob.glob(os.path.join(root, "sim", "*", "*.[ch]"))):
        name = os.path.relpath(path, os.path.join(root, "sim"))
        if any(fnmatch.fnmatch(name, pat) for pat in APP_LAYER):
            continue
        for inc in includes(open(path, encoding="utf-8").read()):
            base = os.path.basename(inc)
            if "models/" in inc or (base in models and base not in sim_headers):
                bad.append("layers: sim/%s includes %s of models/, but only the application "
                           "layer may (%s)" % (name, inc, " ".join(APP_LAYER)))


def check_folders(root, bad):
    """Each file of sim/ includes headers of its own folder or of folders below it
    (FOLDER_LAYERS), besides the BASE headers every layer uses."""
    owner = {}
    for path in glob.glob(os.path.join(root, "sim", "*", "*.h")):
        owner[os.path.basename(path)] = os.path.basename(os.path.dirname(path))
    for path in sorted(glob.glob(os.path.join(root, "sim", "*", "*.[ch]"))):
        folder = os.path.basename(os.path.dirname(path))
        name = os.path.relpath(path, os.path.join(root, "sim"))
        if folder not in FOLDER_LAYERS:
            bad.append("layers: sim/%s is in a folder without a layer (expected one of %s)"
                       % (name, ", ".join(sorted(FOLDER_LAYERS, key=FOLDER_LAYERS.get))))
            continue
        for inc in includes(open(path, encoding="utf-8").read()):
            base = os.path.basename(inc)
            other = owner.get(base)
            if other is None or base in BASE or other not in FOLDER_LAYERS:
                continue
            if FOLDER_LAYERS[other] > FOLDER_LAYERS[folder]:
                bad.append("layers: sim/%s (layer %s) includes %s of sim/%s/, a layer above it"
                           % (name, folder, base, other))


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    bad = []
    check_loader(root, bad)
    check_models(root, bad)
    check_folders(root, bad)
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
