#!/usr/bin/env python3
"""Writes python_dump/case_NN.input.json and case_NN.expected.json.

Python is the oracle for whole documents: random JSON (every kind of value,
strings drawn from the awkward corners of Unicode, lone surrogates, control
characters, DEL, floats from random bit patterns, integers beyond 64 bits,
empty and nested-empty containers) is written in assorted layouts as the
input, and json.dump(obj, f, indent=2) + "\\n" of it is the expected output.
The Catch2 test reads the committed files; Python is only needed to
regenerate them:

    python3 tests/data/gen_dump_vectors.py tests/data/python_dump
"""
import json
import math
import os
import random
import struct
import sys

sys.setrecursionlimit(20000)


def random_char(rng, allow_surrogates):
    pick = rng.random()
    if pick < 0.45:
        return chr(rng.randrange(0x20, 0x7F))
    if pick < 0.55:
        return chr(rng.randrange(0, 0x20))  # control characters
    if pick < 0.58:
        return "\x7f"
    if pick < 0.62:
        return rng.choice('"\\/')
    if pick < 0.75:
        return chr(rng.randrange(0x80, 0x800))
    if pick < 0.85:
        c = rng.randrange(0x800, 0x10000)
        if 0xD800 <= c <= 0xDFFF and not allow_surrogates:
            c = 0xFFFD
        return chr(c)
    if pick < 0.97:
        return chr(rng.randrange(0x10000, 0x110000))
    if allow_surrogates:
        return chr(rng.randrange(0xD800, 0xE000))  # a lone surrogate
    return "\u2028"


def random_string(rng, allow_surrogates, max_len=12):
    return "".join(random_char(rng, allow_surrogates) for _ in range(rng.randrange(0, max_len)))


def random_float(rng):
    pick = rng.random()
    if pick < 0.4:
        while True:
            x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
            if math.isfinite(x):
                return x
    if pick < 0.6:
        return round(rng.uniform(-1e4, 1e4), rng.randrange(0, 6))
    if pick < 0.8:
        return float(rng.randrange(-10 ** 17, 10 ** 17))
    return rng.choice([0.0, -0.0, 1e-05, 0.0001, 1e16, 1e15, 5e-324, 1.5e300, 0.09656, 1e22])


def random_scalar(rng, allow_surrogates):
    pick = rng.random()
    if pick < 0.1:
        return None
    if pick < 0.2:
        return rng.random() < 0.5
    if pick < 0.4:
        return rng.choice([0, -1, 1, 2 ** 63 - 1, -(2 ** 63), 2 ** 64, -(2 ** 64) - 1, 10 ** 30,
                           rng.randrange(-10 ** 12, 10 ** 12), rng.randrange(-10 ** 40, 10 ** 40)])
    if pick < 0.65:
        return random_float(rng)
    return random_string(rng, allow_surrogates)


def random_value(rng, depth, allow_surrogates):
    pick = rng.random()
    if depth > 6 or pick < 0.5:
        return random_scalar(rng, allow_surrogates)
    if pick < 0.75:
        return [random_value(rng, depth + 1, allow_surrogates) for _ in range(rng.randrange(0, 6))]
    obj = {}
    for _ in range(rng.randrange(0, 7)):
        obj[random_string(rng, allow_surrogates, 8)] = random_value(rng, depth + 1, allow_surrogates)
    return obj


def deep(depth, leaf):
    value = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"a": value, "": {}}
    return value


def main():
    target = sys.argv[1]
    os.makedirs(target, exist_ok=True)
    rng = random.Random(42)
    docs = []
    for i in range(14):
        surrogates = i % 3 == 0
        doc = {"case": i, "items": [random_value(rng, 0, surrogates) for _ in range(25)]}
        docs.append((doc, surrogates))
    docs.append(([[], {}, [[]], [{}], {"a": {}}, {"b": []}, [[[]]]], False))
    docs.append((deep(150, "bottom"), False))
    docs.append(("a lone root string \ud83d\ude00 \x7f", False))
    docs.append((-0.0, False))
    docs.append((123456789012345678901234567890, False))
    for n, (doc, surrogates) in enumerate(docs):
        # The input layout varies; the expected bytes never do.
        layout = n % 4
        if surrogates or layout == 0:
            text = json.dumps(doc, ensure_ascii=True, separators=(",", ":"))
        elif layout == 1:
            text = json.dumps(doc, ensure_ascii=False, indent=4)
        elif layout == 2:
            text = json.dumps(doc, ensure_ascii=False, indent="\t").replace("\n", "\r\n")
        else:
            text = " \n " + json.dumps(doc, ensure_ascii=False) + "\n\n"
        with open(os.path.join(target, "case_%02d.input.json" % n), "w", encoding="utf-8", newline="") as f:
            f.write(text)
        with open(os.path.join(target, "case_%02d.expected.json" % n), "w", encoding="ascii", newline="") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
