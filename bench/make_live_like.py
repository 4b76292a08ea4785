#!/usr/bin/env python3
"""Turns normalized captures back into what the live engine prints, for the
normalize benchmark: fresh durations (ints and floats), wall-clock times,
run ids, hosts and versions in every field rocky-current normalizes, raw
UTF-8 instead of \\u escapes, 2-space pretty layout as serde_json prints.
Normalizing the result with rocky-current must give the input bytes back.

    make_live_like.py SOURCE_DIR TARGET_DIR [SEED]

Runs once, outside the timed part of the benchmark.
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import python_normalizer as rules  # noqa: E402


def perturb(value, rng):
    if isinstance(value, dict):
        for key, item in value.items():
            if rules.is_number(item) and key.endswith(rules.ZERO_SUFFIXES):
                value[key] = rng.choice([rng.randrange(1, 5_000_000), rng.randrange(1, 10 ** 7) / 997.0])
            elif rules.is_number(item) and key in rules.ZERO_KEEP_TYPE:
                value[key] = rng.randrange(1, 10 ** 6) / 1024.0 if isinstance(item, float) else rng.randrange(1, 10 ** 6)
            elif isinstance(item, str) and key in rules.WALL_CLOCK:
                value[key] = "2026-%02d-%02dT%02d:%02d:%02d.%06dZ" % (
                    rng.randrange(1, 13), rng.randrange(1, 29), rng.randrange(24), rng.randrange(60),
                    rng.randrange(60), rng.randrange(10 ** 6))
            elif isinstance(item, str) and key in rules.SENTINELS:
                value[key] = "%s-live-%08x-\u00e4" % (key, rng.getrandbits(32))
            else:
                perturb(item, rng)
    elif isinstance(value, list):
        for item in value:
            perturb(item, rng)


def main(argv):
    source, target = argv[0], argv[1]
    rng = random.Random(int(argv[2]) if len(argv) > 2 else 1)
    count = 0
    for directory, _, files in os.walk(source):
        for name in sorted(files):
            if not name.endswith(".json"):
                continue
            path = os.path.join(directory, name)
            out = os.path.join(target, os.path.relpath(path, source))
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            perturb(data, rng)
            with open(out, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=2, ensure_ascii=False)
                f.write("\n")
            count += 1
    print(count)


if __name__ == "__main__":
    main(sys.argv[1:])
