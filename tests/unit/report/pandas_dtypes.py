"""Reads cicada's four CSVs and Locust's golden ones with pandas, the way analysis scripts read Locust's
files, and checks that every column Locust gives a numeric dtype is numeric in ours too (ours may be float
where Locust's is int: cicada writes milliseconds with decimals), and that the history pivots by
(Timestamp, Name) as Locust's does: one row per second per entry, no second twice.

usage: pandas_dtypes.py GOLDEN_PREFIX OURS_PREFIX   (exit 0 when compatible, 1 with a message otherwise)
"""
import sys

import pandas as pd
from pandas.api.types import is_numeric_dtype

golden_prefix, ours_prefix = sys.argv[1], sys.argv[2]
problems = []
for suffix in ("_stats.csv", "_stats_history.csv", "_failures.csv", "_exceptions.csv"):
    golden = pd.read_csv(golden_prefix + suffix)
    ours = pd.read_csv(ours_prefix + suffix)
    if list(golden.columns) != list(ours.columns):
        problems.append(f"{suffix}: columns {list(ours.columns)} != {list(golden.columns)}")
        continue
    for col in golden.columns:
        if is_numeric_dtype(golden[col]) and not is_numeric_dtype(ours[col]):
            problems.append(f"{suffix}: column {col!r} is {ours[col].dtype}, Locust's is {golden[col].dtype}")
    if suffix == "_stats.csv" and ours["Name"].iloc[-1] != "Aggregated":
        problems.append("_stats.csv: Aggregated is not the last row")
    if suffix == "_stats_history.csv":
        for label, frame in (("Locust's", golden), ("ours", ours)):
            try:
                frame.pivot(index="Timestamp", columns="Name", values="Requests/s")
            except ValueError as e:
                problems.append(f"{suffix}: pivot(index='Timestamp', columns='Name') fails on {label}: {e}")
        if ours["Timestamp"].iloc[0] != ours["Timestamp"].min() or ours["User Count"].iloc[0] != 0:
            problems.append(f"{suffix}: the first row is not Locust's start-up row (0 users, first second)")
print("\n".join(problems))
sys.exit(1 if problems else 0)
