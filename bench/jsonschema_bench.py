"""One Python process: Draft7Validator per engine schema a capture needs,
every capture validated (all errors), how many passed printed.
Usage: python3 jsonschema_bench.py SCHEMAS_DIR CAPTURE_FILE..."""
import json
import os
import sys

from jsonschema import Draft7Validator


def type_of(capture):
    command = capture.get("command")
    if command == "lineage" and "column" in capture:
        return "column_lineage"
    if command == "history" and "model" in capture:
        return "model_history"
    return command


def main():
    schemas_dir, files = sys.argv[1], sys.argv[2:]
    validators = {}
    passed = 0
    for file in files:
        with open(file, encoding="utf-8") as f:
            capture = json.load(f)
        kind = type_of(capture)
        if kind not in validators:
            with open(os.path.join(schemas_dir, f"{kind}.schema.json"), encoding="utf-8") as f:
                validators[kind] = Draft7Validator(json.load(f))
        if not list(validators[kind].iter_errors(capture)):
            passed += 1
    print(f"python jsonschema: {passed} of {len(files)} valid")


main()
