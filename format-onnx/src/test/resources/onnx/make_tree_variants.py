#!/usr/bin/python3
"""Variants of examples/onnx/iris-forest.onnx for the compiled tree ensembles (run with Debian's
python3-onnx; the committed .onnx files are what tests read):

- iris-forest-lt.onnx: every BRANCH_LEQ t written as BRANCH_LT nextafter(t, +inf) (float32), the
  same function on float inputs, so scikit-learn's probabilities still hold;
- iris-forest-gte.onnx: as BRANCH_GTE nextafter(t, +inf) with the true and false children swapped,
  again the same function;
- iris-forest-softmax.onnx: post_transform SOFTMAX, which the compiled path does not support, so
  ONNX Runtime serves it."""
import os

import numpy as np
import onnx
from onnx import helper

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "..", "..", "..", "..", "..", "examples", "onnx", "iris-forest.onnx")


def variant(name, change):
    model = onnx.load(SOURCE)
    node = model.graph.node[0]
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    change(attrs)
    del node.attribute[:]
    node.attribute.extend(helper.make_attribute(k, v) for k, v in attrs.items())
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, os.path.join(HERE, name))


def up(t):
    return float(np.nextafter(np.float32(t), np.float32(np.inf)))


def lt(a):
    modes = [m.decode() if isinstance(m, bytes) else m for m in a["nodes_modes"]]
    a["nodes_values"] = [up(v) if m == "BRANCH_LEQ" else v for v, m in zip(a["nodes_values"], modes)]
    a["nodes_modes"] = ["BRANCH_LT" if m == "BRANCH_LEQ" else m for m in modes]


def gte(a):
    modes = [m.decode() if isinstance(m, bytes) else m for m in a["nodes_modes"]]
    a["nodes_values"] = [up(v) if m == "BRANCH_LEQ" else v for v, m in zip(a["nodes_values"], modes)]
    branch = [m == "BRANCH_LEQ" for m in modes]
    t, f = a["nodes_truenodeids"], a["nodes_falsenodeids"]
    a["nodes_truenodeids"] = [fi if b else ti for ti, fi, b in zip(t, f, branch)]
    a["nodes_falsenodeids"] = [ti if b else fi for ti, fi, b in zip(t, f, branch)]
    a["nodes_modes"] = ["BRANCH_GTE" if b else m for m, b in zip(modes, branch)]


def softmax(a):
    a["post_transform"] = "SOFTMAX"


variant("iris-forest-lt.onnx", lt)
variant("iris-forest-gte.onnx", gte)
variant("iris-forest-softmax.onnx", softmax)
