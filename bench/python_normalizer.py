#!/usr/bin/env python3
"""Today's pipeline, for comparison: Rocky's normalizer as its README
describes it (the "rocky-current" rules), json.load -> rules ->
json.dump(indent=2) + "\\n".

    python_normalizer.py FILE [--output OUT]    one file (to stdout without --output)
    python_normalizer.py --in-place FILE...     rewrite each file

The rules (../shared/rocky-reference/README.md), applied recursively to
every object, arrays included; a key that matched a rule is not descended
into; booleans are not numbers:
- number, key ends in _ms/_seconds/_secs        -> 0 (an integer, even for floats)
- number, key compute_cost_per_run or estimated_monthly_savings -> 0.0 if float else 0
- string, wall-clock key                        -> "2000-01-01T00:00:00Z"
- string, key with its own sentinel             -> that sentinel
"""
import json
import sys

ZERO_SUFFIXES = ("_ms", "_seconds", "_secs")
ZERO_KEEP_TYPE = {"compute_cost_per_run", "estimated_monthly_savings"}
WALL_CLOCK = {"updated_at", "started_at", "finished_at", "timestamp", "captured_at", "created_at",
              "last_value", "watermark"}
WALL_CLOCK_SENTINEL = "2000-01-01T00:00:00Z"
SENTINELS = {
    "run_id": "run-SENTINEL",
    "hostname": "host-SENTINEL",
    "git_commit": "sha-SENTINEL",
    "git_branch": "branch-SENTINEL",
    "triggering_identity": "user-SENTINEL",
    "rocky_version": "0.0.0-SENTINEL",
    "target_catalog": "catalog-SENTINEL",
    "version": "0.0.0-SENTINEL",
    "env_hash": "envhash-SENTINEL",
}


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def normalize(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if is_number(item) and key.endswith(ZERO_SUFFIXES):
                value[key] = 0
            elif is_number(item) and key in ZERO_KEEP_TYPE:
                value[key] = 0.0 if isinstance(item, float) else 0
            elif isinstance(item, str) and key in WALL_CLOCK:
                value[key] = WALL_CLOCK_SENTINEL
            elif isinstance(item, str) and key in SENTINELS:
                value[key] = SENTINELS[key]
            else:
                normalize(item)
    elif isinstance(value, list):
        for item in value:
            normalize(item)


def normalize_file(path, output):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    normalize(data)
    if output is None:
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    with open(output, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)
        f.write("\n")


def main(argv):
    if argv and argv[0] == "--in-place":
        for path in argv[1:]:
            normalize_file(path, path)
        return 0
    if len(argv) == 3 and argv[1] == "--output":
        normalize_file(argv[0], argv[2])
        return 0
    if len(argv) == 1:
        normalize_file(argv[0], None)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
