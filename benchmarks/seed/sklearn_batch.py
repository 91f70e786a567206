#!/usr/bin/python3
"""scikit-learn's in-process batch speed: predict_proba rows/s on 1000-row batches, one job.

The /predict_batch target is "at least this fast", so the runtime is compared with the library
itself, without any HTTP in the way.

    /usr/bin/python3 sklearn_batch.py --model seed-model.joblib --data data.csv --seconds 5
"""
import argparse
import time

import joblib
import numpy as np

from train_seed import load


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--target", default="label")
    p.add_argument("--batch", type=int, default=1000)
    p.add_argument("--seconds", type=float, default=5.0)
    args = p.parse_args()

    model = joblib.load(args.model)
    model.set_params(n_jobs=1)
    _, X, _ = load(args.data, args.target)
    batch = np.resize(X, (args.batch, X.shape[1]))  # repeats rows if the CSV is smaller
    model.predict_proba(batch)  # warm-up

    rows = 0
    started = time.perf_counter()
    while time.perf_counter() - started < args.seconds:
        model.predict_proba(batch)
        rows += len(batch)
    elapsed = time.perf_counter() - started
    print(f"sklearn batch: {rows} rows in {elapsed:.2f} s, batch {args.batch}, n_jobs=1")
    print(f"sklearn_batch: rows_per_s={rows / elapsed:.0f}")


if __name__ == "__main__":
    main()
