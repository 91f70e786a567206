#!/usr/bin/python3
"""Binary random forests exported both ways scikit-learn forests reach ONNX, for the binary
tree-ensemble tests (format-onnx BinaryForestsTest). Run with Debian's python3-sklearn and
python3-onnx; the committed files are what the tests read, so tests need no Python:

    /usr/bin/python3 format-onnx/src/test/resources/onnx/binary/make_binary_forests.py

One forest (RandomForestClassifier, 20 trees, depth 6, seeded) on a seeded 10-feature data set,
written as a TreeEnsembleClassifier (post_transform NONE) in these forms:

- weights "one": one vote per leaf, class 1's probability under class id 0 (skl2onnx's binary form);
- weights "both": one vote per class per leaf (each class's probability under its own class id),
  the form ONNX Runtime's label output disagrees with its own probabilities on (its issues
  #27533 and #28557);
- labels int64 (0/1) or strings ("no"/"yes");
- probabilities as a float tensor [N, 2] or as the ZipMap sequence of maps skl2onnx emits.

Beside each model: binary.csv and binary-strings.csv (the data, target "churn" as 0/1 or no/yes) and <name>.expected.csv, scikit-learn's
predict and predict_proba on every row. binary-reversed-string-tensor.onnx lists its class labels
in reverse: a mislabelled model, which package must refuse. Everything is seeded: running this again writes the same
files."""
import os
import sys

import numpy as np
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, *[".."] * 6))
sys.path.insert(0, os.path.join(ROOT, "examples", "onnx"))
import make_models as mm  # noqa: E402  (the graph conventions the committed examples use)


def forest_node(model, classes, weights_for, label_out, proba_out, class_labels=None):
    attrs = mm.empty_tree_attrs()
    cls = {"class_treeids": [], "class_nodeids": [], "class_ids": [], "class_weights": []}
    n_trees = len(model.estimators_)
    for tree_id, est in enumerate(model.estimators_):
        for node_id, value in mm.tree_nodes(attrs, est.tree_, tree_id):
            total = float(value.sum())
            p = [float(v) / (total if total else 1.0) / n_trees for v in value]
            votes = [(0, p[1])] if weights_for == "one" else [(0, p[0]), (1, p[1])]
            for class_id, w in votes:
                cls["class_treeids"].append(tree_id)
                cls["class_nodeids"].append(node_id)
                cls["class_ids"].append(class_id)
                cls["class_weights"].append(w)
    labels, _ = mm.label_attr(classes if class_labels is None else class_labels)
    return helper.make_node("TreeEnsembleClassifier", [mm.INPUT], [label_out, proba_out],
                            domain="ai.onnx.ml", name="TreeEnsembleClassifier",
                            post_transform="NONE", **attrs, **cls, **labels)


def main():
    from sklearn.ensemble import RandomForestClassifier
    rng = np.random.RandomState(2026)
    n, f = 400, 10
    X = rng.normal(size=(n, f))
    score = X[:, 0] + 0.8 * X[:, 1] - 0.6 * X[:, 2] * X[:, 3] + 0.5 * rng.normal(size=n)
    y = (score > 0.3).astype(np.int64)
    features = [f"x{i}" for i in range(f)]
    # Round to float32 values so the CSV, scikit-learn and ONNX Runtime see the same numbers.
    X = X.astype(np.float32).astype(np.float64)
    mm.write_csv(os.path.join(HERE, "binary.csv"), features + ["churn"],
                 [[mm.num(v) for v in row] + [int(t)] for row, t in zip(X, y)])
    mm.write_csv(os.path.join(HERE, "binary-strings.csv"), features + ["churn"],
                 [[mm.num(v) for v in row] + [["no", "yes"][t]] for row, t in zip(X, y)])
    for label_kind in ("int64", "string"):
        target = y if label_kind == "int64" else np.array(["no", "yes"])[y]
        model = RandomForestClassifier(n_estimators=20, max_depth=6, random_state=5, n_jobs=1)
        model.fit(X, target)
        proba = model.predict_proba(X)
        mm.check_no_ties(proba, "binary forest")
        for weights_for in ("one", "both"):
            for output in ("tensor", "zipmap"):
                name = f"binary-{weights_for}-{label_kind}-{output}"
                mm.write_classifier_expected(os.path.join(HERE, name + ".expected.csv"), model, X)
                label_type = TensorProto.INT64 if label_kind == "int64" else TensorProto.STRING
                proba_out = "probabilities" if output == "tensor" else "probability_tensor"
                nodes = [forest_node(model, model.classes_, weights_for, "label", proba_out)]
                outputs = [helper.make_tensor_value_info("label", label_type, [None])]
                if output == "tensor":
                    outputs.append(helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 2]))
                else:
                    nodes.append(mm.zipmap_node(model.classes_, proba_out, "output_probability"))
                    outputs.append(mm.zipmap_output("output_probability", label_type))
                mm.save_model(nodes, [mm.float_input(f)], outputs, name.replace("-", "_"),
                              os.path.join(HERE, name + ".onnx"),
                              "scikit-learn RandomForestClassifier(n_estimators=20, max_depth=6, "
                              f"random_state=5) on binary.csv; weights for {weights_for} class(es); "
                              f"labels {list(model.classes_)}; probabilities as {output}")

        if label_kind == "string":
            # Mislabelled: the class labels listed in reverse, so every label names the other
            # class's probability. Not ONNX Runtime's artefact: the package must still refuse it.
            name = "binary-reversed-string-tensor"
            node = forest_node(model, model.classes_, "one", "label", "probabilities",
                               class_labels=model.classes_[::-1])
            mm.save_model([node], [mm.float_input(f)],
                          [helper.make_tensor_value_info("label", TensorProto.STRING, [None]),
                           helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 2])],
                          name.replace("-", "_"), os.path.join(HERE, name + ".onnx"),
                          "binary-one-string-tensor with its class labels listed in reverse (mislabelled)")


if __name__ == "__main__":
    main()
