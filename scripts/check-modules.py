#!/usr/bin/env python3
"""Fails when modules import each other in a circle, or when `core` uses a
feature. Reads the sources as text: every `crate::a::b` and `super::` path
names the deepest module it reaches; a path from a file to another file is an
edge. Cycles are found with Tarjan's algorithm over files, and over the
top-level modules (features) of the app crate.

    python3 scripts/check-modules.py        # prints the graph's size, exits 1 on a circle
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CRATES = {"app": "app/src", "domain": "crates/domain/src", "store": "crates/store/src"}
PATH = re.compile(r"\b(crate|super|self)((?:::\w+)+)|\b(crate|super|self)::\{([^}]*)\}", re.S)


def modules(src):
    """Module path (tuple) -> file, for every file of the crate."""
    out = {}
    for dirpath, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), src)[:-3].split(os.sep)
            if rel[-1] in ("mod", "lib", "main"):
                rel = rel[:-1]
            out[tuple(rel)] = os.path.join(dirpath, f)
    return out


def code_without_comments(text):
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


def edges(mods):
    graph = {m: set() for m in mods}
    for mod, path in mods.items():
        text = code_without_comments(open(path, encoding="utf-8").read())
        # An inline `mod tests` is a module of its own that nothing imports,
        # so it can never be part of a circle: its paths are not counted.
        tests_at = text.find("mod tests {")
        if tests_at >= 0:
            text = text[:tests_at]
        is_dir = os.path.basename(path) in ("mod.rs", "lib.rs")
        for m in PATH.finditer(text):
            head = m.group(1) or m.group(3)
            tails = [m.group(2)] if m.group(2) else [
                "::" + x.strip().split(" as ")[0] for x in m.group(4).split(",") if x.strip()
            ]
            for tail in tails:
                parts = [p for p in tail.split("::") if p and p not in ("self", "*")]
                if head == "crate":
                    base = ()
                elif head == "self":
                    base = mod if is_dir else mod[:-1]
                else:  # super
                    base = (mod if is_dir else mod[:-1])[:-1]
                    while parts and parts[0] == "super":
                        parts, base = parts[1:], base[:-1]
                full = base + tuple(parts)
                target = None
                for i in range(len(full), -1, -1):
                    if full[:i] in mods:
                        target = full[:i]
                        break
                if target is not None and target != mod:
                    graph[mod].add(target)
    return graph


def cycles(graph):
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def name(m):
    return "::".join(m) or "(root)"


def main():
    failed = False
    for crate, src in CRATES.items():
        mods = modules(os.path.join(ROOT, src))
        graph = edges(mods)
        # The crate root wires every module (routes, re-exports): not a module of its own.
        graph.pop((), None)
        for deps in graph.values():
            deps.discard(())
        n_edges = sum(len(d) for d in graph.values())
        found = cycles(graph)
        print(f"{crate}: {len(graph)} modules, {n_edges} imports between them, {len(found)} circles")
        for c in found:
            failed = True
            print("  circle:", " ↔ ".join(name(m) for m in c))
            for m in c:
                print("    ", name(m), "→", ", ".join(name(d) for d in sorted(graph[m] & set(c))))
        if crate == "app":
            top = {}
            for m, deps in graph.items():
                top.setdefault(m[:1], set()).update(d[:1] for d in deps if d[:1] != m[:1])
            found = cycles(top)
            print(f"app features: {', '.join(sorted(name(t) for t in top))}; {len(found)} circles")
            for c in found:
                failed = True
                print("  feature circle:", " ↔ ".join(name(m) for m in c))
                for m in c:
                    print("    ", name(m), "→", ", ".join(name(d) for d in sorted(top[m] & set(c))))
            uses = sorted(name(d) for d in top.get(("core",), ()))
            if uses:
                failed = True
                print("  core uses features:", ", ".join(uses))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
