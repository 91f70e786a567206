"""The seeds' serving stack, written the way a typical first Python model service is.

FastAPI + pydantic request model + one ``predict_proba`` per request, run by a single uvicorn
worker with its default (pure-Python h11, asyncio) loop:

    SEED_MODEL=seed-model.joblib /usr/bin/python3 -m uvicorn seed_app:app --port 8090 --no-access-log
"""
import os
from typing import List

import joblib
import numpy as np
from fastapi import FastAPI
from pydantic import BaseModel

model = joblib.load(os.environ.get("SEED_MODEL", "seed-model.joblib"))
model.set_params(n_jobs=1)
labels = [str(c) for c in model.classes_]

app = FastAPI(title="seed model service")


class PredictRequest(BaseModel):
    features: List[float]


@app.get("/health")
def health():
    return {"status": "UP"}


@app.post("/predict")
def predict(request: PredictRequest):
    probabilities = model.predict_proba(np.array([request.features]))[0]
    best = int(np.argmax(probabilities))
    return {
        "prediction": labels[best],
        "probabilities": {label: float(p) for label, p in zip(labels, probabilities)},
    }
