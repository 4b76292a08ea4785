#!/usr/bin/env python3
"""STOP-GAP capture runner for the double's tests, until `fixturegen regen`
lands: runs each POC's capture.toml (issue 8's plan format) step by step in a
temporary copy of the POC and writes the raw captures to OUT/<output>/<capture>.json.
Once regen is merged, the e2e tests should call `fixturegen regen` instead and
compare with the committed fixtures_generated/ (see tests/double/README.md).

usage: run_plan.py --engine PATH --tool duckdb=PATH --out DIR POC_DIR...
Exit 1 on the first failed step, naming the POC, the step and the command line."""
import argparse, json, os, shutil, subprocess, sys, tempfile, tomllib

def fail(msg):
    print(f"run_plan: {msg}", file=sys.stderr)
    sys.exit(1)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", required=True)
    ap.add_argument("--tool", action="append", default=[])
    ap.add_argument("--out", required=True)
    ap.add_argument("pocs", nargs="+")
    a = ap.parse_args()
    tools = dict(t.split("=", 1) for t in a.tool)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TZ": "UTC", "LC_ALL": "C"}
    for poc in a.pocs:
        with open(os.path.join(poc, "capture.toml"), "rb") as f:
            plan = tomllib.load(f)
        clean = set(plan.get("clean", []))
        with tempfile.TemporaryDirectory() as sandbox:
            shutil.copytree(poc, sandbox, dirs_exist_ok=True,
                            ignore=lambda d, names: [n for n in names if os.path.relpath(os.path.join(d, n), poc) in clean])
            binds = {}
            for i, step in enumerate(plan["step"], 1):
                args = [s.format(**binds) for s in step.get("args", [])]
                argv = ([tools[step["tool"]]] if "tool" in step else [a.engine]) + args
                stdin = open(os.path.join(sandbox, step["stdin"]), "rb") if "stdin" in step else subprocess.DEVNULL
                p = subprocess.run(argv, cwd=sandbox, stdin=stdin, capture_output=True,
                                   env={**env, **step.get("env", {})}, timeout=120)
                where = f"{poc} step {i} ({' '.join(argv)})"
                allowed = step.get("exit")
                if allowed is not None and p.returncode not in allowed:
                    fail(f"{where}: exit {p.returncode} not in {allowed}\n{p.stderr.decode()[-2000:]}")
                if "capture" not in step and "bind" not in step:
                    if allowed is None and p.returncode != 0:
                        fail(f"{where}: exit {p.returncode}\n{p.stderr.decode()[-2000:]}")
                    continue
                try:
                    doc = json.loads(p.stdout)
                except ValueError as e:
                    fail(f"{where}: stdout is not JSON ({e}), exit {p.returncode}\n{p.stderr.decode()[-2000:]}")
                for name, pointer in step.get("bind", {}).items():
                    value = doc
                    for part in pointer.split("/")[1:]:
                        value = value[int(part)] if isinstance(value, list) else value[part]
                    binds[name] = value
                for pointer, expected in step.get("expect", {}).items():
                    value = doc
                    for part in pointer.split("/")[1:]:
                        value = value[int(part)] if isinstance(value, list) else value[part]
                    if value != expected:
                        fail(f"{where}: {pointer} is {value!r}, expected {expected!r}")
                if "capture" in step:
                    target = os.path.join(a.out, plan.get("output", ""), step["capture"] + ".json")
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with open(target, "wb") as f:
                        f.write(p.stdout)

main()
