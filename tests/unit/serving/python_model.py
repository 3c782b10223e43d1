#!/usr/bin/python3
"""Trains XGBoost models with Debian's python3-xgboost for python_model_test.cpp.

Usage: /usr/bin/python3 python_model.py CSV OUT_DIR

Writes OUT_DIR/{gbtree,gblinear,gbtree_missing}.json (models saved as JSON) and OUT_DIR/expected.json:
the feature names, the raw rows, the rows with missing cells, and Python's predictions for each model.
Features are the CSV's columns as they are (no preprocessing); the label is the last column.
"""
import csv
import json
import os
import sys

import numpy as np
import xgboost as xgb


def main() -> None:
    data_path, out_dir = sys.argv[1], sys.argv[2]
    with open(data_path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], [r for r in rows[1:] if r]
    names = header[:-1]
    x = np.array([[float(v) for v in r[:-1]] for r in body], dtype=np.float64)
    y = np.array([float(r[-1]) for r in body])

    # The same rows with about 15% of the cells missing (NaN), for default directions in trees.
    rng = np.random.RandomState(0)
    x_missing = x.copy()
    x_missing[rng.rand(*x.shape) < 0.15] = np.nan

    models = {
        "gbtree": (x, {"booster": "gbtree", "max_depth": 3, "eta": 0.3}, 30),
        "gblinear": (x, {"booster": "gblinear", "eta": 0.5, "lambda": 0.01}, 30),
        "gbtree_missing": (x_missing, {"booster": "gbtree", "max_depth": 4, "eta": 0.3}, 40),
    }
    expected = {"xgboost_version": xgb.__version__, "features": names, "rows": x.tolist(),
                "rows_missing": [[None if np.isnan(v) else v for v in r] for r in x_missing]}
    for name, (features, params, rounds) in models.items():
        params = dict(params, objective="binary:logistic", nthread=1, seed=0)
        booster = xgb.train(params, xgb.DMatrix(features, label=y), num_boost_round=rounds)
        booster.save_model(os.path.join(out_dir, name + ".json"))
        expected[name] = [float(p) for p in booster.predict(xgb.DMatrix(features))]
    with open(os.path.join(out_dir, "expected.json"), "w") as out:
        json.dump(expected, out)


if __name__ == "__main__":
    main()
