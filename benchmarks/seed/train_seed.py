#!/usr/bin/python3
"""Train the seeds' model: the scikit-learn random forest a first Python service would ship.

Same CSV and the same settings as the Java model (100 trees, depth 10, one job), so the serving
comparison is about the stack, not the model.

    /usr/bin/python3 train_seed.py --data data.csv --target label --out seed-model.joblib
"""
import argparse
import csv
import time

import joblib
import numpy as np
from sklearn.ensemble import RandomForestClassifier


def load(path, target):
    """Rows of the CSV as (features, labels); features are every column but the target, in order."""
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        t = header.index(target)
        rows = list(reader)
    features = [name for i, name in enumerate(header) if i != t]
    X = np.array([[float(v) for i, v in enumerate(r) if i != t] for r in rows], dtype=np.float64)
    y = np.array([r[t] for r in rows])
    return features, X, y


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True)
    p.add_argument("--target", default="label")
    p.add_argument("--out", required=True)
    p.add_argument("--trees", type=int, default=100)
    p.add_argument("--max-depth", type=int, default=10)
    p.add_argument("--seed", type=int, default=42)
    args = p.parse_args()

    features, X, y = load(args.data, args.target)
    started = time.perf_counter()
    model = RandomForestClassifier(n_estimators=args.trees, max_depth=args.max_depth,
                                   random_state=args.seed, n_jobs=1)
    model.fit(X, y)
    model.feature_names_ = features
    joblib.dump(model, args.out)
    print(f"seed model: {len(X)} rows, {len(features)} features, classes {list(model.classes_)}, "
          f"training accuracy {model.score(X, y):.4f}, trained in {time.perf_counter() - started:.1f} s -> {args.out}")


if __name__ == "__main__":
    main()
