#!/usr/bin/env python3
"""A big heart-disease-like CSV for measuring `cicada-model train` (bench/train/memory.sh).

Rows are rows of data/heart-disease.csv drawn at random (seeded), numeric cells jittered a little, so the
file has the real columns and both classes. Usage: make_csv.py OUT.csv MEGABYTES
"""
import random
import sys

out, megabytes = sys.argv[1], float(sys.argv[2])
here = __file__.rsplit("/", 3)[0] if "/" in __file__ else "../.."
with open(f"{here}/data/heart-disease.csv", encoding="utf-8-sig") as f:
    lines = f.read().splitlines()
header, rows = lines[0], [line.split(",") for line in lines[1:] if line.strip()]
numeric = {header.split(",").index(c) for c in ("age", "trestbps", "chol", "thalach")}
rng = random.Random(42)
target = int(megabytes * 1e6)
written = 0
with open(out, "w") as f:
    f.write(header + "\n")
    while written < target:
        row = list(rng.choice(rows))
        for i in numeric:
            row[i] = str(int(row[i]) + rng.randint(-2, 2))
        line = ",".join(row) + "\n"
        f.write(line)
        written += len(line)
