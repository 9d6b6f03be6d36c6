#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Find file-level call cycles among the object files of one group.

For each X.o, `nm` (env NM overrides) lists the global symbols it defines
and the ones it needs (U). X -> Y when X.o needs a symbol that Y.o defines;
symbols nobody in the group defines (libc, libraries, the kernel) are
ignored. Every strongly connected component of more than one file is a
cycle.

Usage: file-cycles.py [--name NAME] [--edges] OBJ.o...
Prints one line per cycle, then "NAME: N files, no cycle" or
"NAME: K cycles". Exit status: 1 if a cycle was found, 0 if none,
2 on a usage error or when nm fails.
"""
import argparse
import os
import subprocess
import sys

MAX_SYMS = 3  # symbols named per edge in a cycle line


def nm_symbols(nm, obj):
    """Return (defined, needed) global symbol sets of obj."""
    res = subprocess.run([nm, "-g", obj], capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"{nm} {obj}: {res.stderr.strip() or 'failed'}")
    defined, needed = set(), set()
    for line in res.stdout.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        kind, sym = parts[-2], parts[-1]
        if kind == "U":
            needed.add(sym)
        elif kind not in ("w", "v"):  # weak undefined: not a real need
            defined.add(sym)
    return defined, needed


def sccs(nodes, edges):
    """Tarjan's algorithm, iterative; returns the list of components."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is None:
                work.pop()
                if work:
                    u = work[-1][0]
                    low[u] = min(low[u], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        x = stack.pop()
                        on_stack.discard(x)
                        comp.append(x)
                        if x == v:
                            break
                    out.append(sorted(comp))
            elif w not in index:
                index[w] = low[w] = len(index)
                stack.append(w)
                on_stack.add(w)
                work.append((w, iter(sorted(edges[w]))))
            elif w in on_stack:
                low[v] = min(low[v], index[w])
    return out


def syms(names):
    names = sorted(names)
    more = f", +{len(names) - MAX_SYMS} more" if len(names) > MAX_SYMS else ""
    return ", ".join(names[:MAX_SYMS]) + more


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--name", default="group", help="group name in output")
    ap.add_argument("--edges", action="store_true",
                    help="also print every edge with the symbols behind it")
    ap.add_argument("objs", nargs="+", metavar="OBJ.o")
    args = ap.parse_args()
    nm = os.environ.get("NM", "nm")

    files = {}  # "x.c" -> (defined, needed)
    for obj in args.objs:
        name = os.path.basename(obj)
        name = (name[:-2] if name.endswith(".o") else name) + ".c"
        if name in files:
            print(f"file-cycles: {obj}: {name} given twice", file=sys.stderr)
            return 2
        try:
            files[name] = nm_symbols(nm, obj)
        except (OSError, RuntimeError) as e:
            print(f"file-cycles: {e}", file=sys.stderr)
            return 2

    owner = {}
    for f, (defined, _) in files.items():
        for s in defined:
            owner.setdefault(s, f)
    # via[x][y]: symbols of y that x needs
    via = {f: {} for f in files}
    for f, (_, needed) in files.items():
        for s in needed:
            g = owner.get(s)
            if g is not None and g != f:
                via[f].setdefault(g, set()).add(s)

    if args.edges:
        for f in sorted(via):
            for g in sorted(via[f]):
                print(f"{args.name}: edge: {f} -> {g} ({syms(via[f][g])})")

    cycles = [c for c in sccs(sorted(files), via) if len(c) > 1]
    for comp in sorted(cycles):
        calls = [f"{f} calls {g}'s {syms(via[f][g])}"
                 for f in comp for g in sorted(via[f]) if g in comp]
        print(f"{args.name}: cycle: {' <-> '.join(comp)} "
              f"({'; '.join(calls)})")
    if cycles:
        print(f"{args.name}: {len(cycles)} cycles")
        return 1
    print(f"{args.name}: {len(files)} files, no cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
