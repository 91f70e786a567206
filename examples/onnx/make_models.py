#!/usr/bin/python3
"""Fit the ONNX example models with scikit-learn and write their ONNX graphs by hand.

skl2onnx cannot be installed here, so the graphs are written with onnx.helper from the fitted
models, with the ai.onnx.ml operators and attribute conventions skl2onnx uses for the same
estimators (see README.md). Everything is seeded: running this again writes the same files.

    /usr/bin/python3 examples/onnx/make_models.py            # the committed examples
    /usr/bin/python3 examples/onnx/make_models.py --bench-forest /tmp/bench/forest.onnx \
        [--data examples/data/synthetic-20.csv] [--target label] [--trees 100] [--max-depth 10]
        [--seed 42] [--from-joblib seed-model.joblib]

Needs Debian's python3-sklearn and python3-onnx (call /usr/bin/python3, not a pyenv python).
"""
import argparse
import csv
import hashlib
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# ONNX Runtime 1.23 runs ai.onnx.ml up to 5 and the default domain far beyond 15; these are the
# versions skl2onnx writes for these operators, and what onnx 1.12 (Debian's) can check.
DEFAULT_OPSET = 15
ML_OPSET = 3
IR_VERSION = 8
INPUT = "input"


# --- data -----------------------------------------------------------------------------------------

def read_csv(path, target):
    """Features (every column but the target, in header order) as float64, and the target column
    as strings, as a model trained in Python would see the file."""
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        t = header.index(target)
        rows = [r for r in reader if r]
    features = [name for i, name in enumerate(header) if i != t]
    X = np.array([[float(v) for i, v in enumerate(r) if i != t] for r in rows], dtype=np.float64)
    y = np.array([r[t] for r in rows])
    return features, X, y


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def num(v):
    """A float with all the digits needed to read back the same double (repr is shortest
    round-trip, at most 17 significant digits); integers without a trailing '.0'."""
    v = float(v)
    return str(int(v)) if v.is_integer() and abs(v) < 2 ** 53 else repr(v)


def int_labels_if_possible(y):
    """Labels as int64 when every one is an integer (as a user's int target would be)."""
    try:
        return np.array([int(v) for v in y], dtype=np.int64)
    except ValueError:
        return y


# --- graph pieces: the attribute conventions of skl2onnx -----------------------------------------

def sklearn_threshold(t):
    """The float32 threshold that splits float32 inputs exactly as scikit-learn does.

    scikit-learn compares float32(x) <= t with t a double. Rounding t to the nearest float32 can
    round up to a value x can take and send it left where scikit-learn sends it right, so take the
    largest float32 not above t (skl2onnx's sklearn_threshold does the same)."""
    f = np.float32(t)
    if float(f) > t:
        f = np.nextafter(f, np.float32(-np.inf))
    return float(f)


def tree_nodes(attrs, tree, tree_id):
    """Append one sklearn tree's nodes; returns the leaves as (node id, tree.value row)."""
    leaves = []
    for i in range(tree.node_count):
        left, right = int(tree.children_left[i]), int(tree.children_right[i])
        is_leaf = left == right  # both -1 in scikit-learn
        attrs["nodes_treeids"].append(tree_id)
        attrs["nodes_nodeids"].append(i)
        attrs["nodes_featureids"].append(0 if is_leaf else int(tree.feature[i]))
        attrs["nodes_modes"].append("LEAF" if is_leaf else "BRANCH_LEQ")
        attrs["nodes_values"].append(0.0 if is_leaf else sklearn_threshold(float(tree.threshold[i])))
        attrs["nodes_truenodeids"].append(0 if is_leaf else left)
        attrs["nodes_falsenodeids"].append(0 if is_leaf else right)
        attrs["nodes_missing_value_tracks_true"].append(0)
        attrs["nodes_hitrates"].append(1.0)
        if is_leaf:
            leaves.append((i, tree.value[i].ravel()))
    return leaves


def empty_tree_attrs():
    keys = ["nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_modes", "nodes_values",
            "nodes_truenodeids", "nodes_falsenodeids", "nodes_missing_value_tracks_true",
            "nodes_hitrates"]
    return {k: [] for k in keys}


def label_attr(classes, name_ints="classlabels_int64s"):
    """The class label attribute: strings, or int64 for integer classes (LinearClassifier calls
    it classlabels_ints, the tree ensembles and ZipMap classlabels_int64s)."""
    if classes.dtype.kind in "iu":
        return {name_ints: [int(c) for c in classes]}, TensorProto.INT64
    return {"classlabels_strings": [str(c) for c in classes]}, TensorProto.STRING


def forest_classifier_node(model, label_out, proba_out):
    """TreeEnsembleClassifier for a RandomForestClassifier: each leaf votes its class
    frequencies times 1/n_trees, summed over trees (post_transform NONE) = predict_proba.

    For two classes skl2onnx writes one vote per leaf, the probability p of class 1, under
    class_id 0. ONNX Runtime recognises that (one class id, all weights >= 0, no base_values),
    returns [1 - p, p] and label classes[1] when p > 0.5. Written under class_id 1 instead, it
    returns [0, p]: right labels, wrong probabilities."""
    attrs = empty_tree_attrs()
    cls = {"class_treeids": [], "class_nodeids": [], "class_ids": [], "class_weights": []}
    n_trees = len(model.estimators_)
    two_classes = len(model.classes_) == 2
    for tree_id, est in enumerate(model.estimators_):
        for node_id, value in tree_nodes(attrs, est.tree_, tree_id):
            total = float(value.sum())
            weights = [float(v) / (total if total else 1.0) / n_trees for v in value]
            if two_classes:
                weights = [(0, weights[1])]
            else:
                weights = list(enumerate(weights))
            for class_id, w in weights:
                cls["class_treeids"].append(tree_id)
                cls["class_nodeids"].append(node_id)
                cls["class_ids"].append(class_id)
                cls["class_weights"].append(w)
    labels, _ = label_attr(model.classes_)
    return helper.make_node("TreeEnsembleClassifier", [INPUT], [label_out, proba_out],
                            domain="ai.onnx.ml", name="TreeEnsembleClassifier",
                            post_transform="NONE", **attrs, **cls, **labels)


def forest_regressor_node(model, out):
    """TreeEnsembleRegressor for a RandomForestRegressor: each leaf holds its value and
    aggregate_function AVERAGE divides the sum over trees by n_trees = predict.

    skl2onnx writes the same forest as SUM with every leaf value times 1/n_trees; the numbers
    agree up to float32 rounding (max difference from scikit-learn on diabetes.csv 3.9e-05 with
    SUM, 3.1e-05 with AVERAGE: the output is float32; see README.md)."""
    attrs = empty_tree_attrs()
    tgt = {"target_treeids": [], "target_nodeids": [], "target_ids": [], "target_weights": []}
    for tree_id, est in enumerate(model.estimators_):
        for node_id, value in tree_nodes(attrs, est.tree_, tree_id):
            tgt["target_treeids"].append(tree_id)
            tgt["target_nodeids"].append(node_id)
            tgt["target_ids"].append(0)
            tgt["target_weights"].append(float(value[0]))
    return helper.make_node("TreeEnsembleRegressor", [INPUT], [out], domain="ai.onnx.ml",
                            name="TreeEnsembleRegressor", n_targets=1, post_transform="NONE",
                            aggregate_function="AVERAGE", **attrs, **tgt)


def scaler_node(scaler, inp, out):
    """Scaler computes (x - offset) * scale: StandardScaler's mean and 1/std."""
    return helper.make_node("Scaler", [inp], [out], domain="ai.onnx.ml", name="Scaler",
                            offset=[float(v) for v in scaler.mean_],
                            scale=[1.0 / float(v) for v in scaler.scale_])


def logistic_nodes(lr, inp, label_out, proba_out):
    """LinearClassifier for a LogisticRegression, as skl2onnx writes it.

    Binary: the coefficients and intercept are written twice, negated for class 0, so the scores
    are [-z, z] and LOGISTIC gives [1 - sigmoid(z), sigmoid(z)] = predict_proba.
    Multinomial (several classes, lbfgs): one row per class, multi_class=1, SOFTMAX, then an L1
    Normalizer, as skl2onnx emits it (a no-op after SOFTMAX up to rounding)."""
    coef = lr.coef_.astype(np.float64)
    intercept = lr.intercept_.astype(np.float64)
    labels, _ = label_attr(lr.classes_, "classlabels_ints")
    if len(lr.classes_) == 2:
        coefficients = list(-coef.ravel()) + list(coef.ravel())
        intercepts = [-intercept[0], intercept[0]]
        node = helper.make_node("LinearClassifier", [inp], [label_out, proba_out],
                                domain="ai.onnx.ml", name="LinearClassifier",
                                coefficients=[float(v) for v in coefficients],
                                intercepts=[float(v) for v in intercepts],
                                multi_class=0, post_transform="LOGISTIC", **labels)
        return [node]
    multinomial = getattr(lr, "multi_class", "auto") in ("auto", "multinomial") and lr.solver != "liblinear"
    if not multinomial:
        raise SystemExit("one-vs-rest LogisticRegression is not written by this script")
    node = helper.make_node("LinearClassifier", [inp], [label_out, "probability_tensor"],
                            domain="ai.onnx.ml", name="LinearClassifier",
                            coefficients=[float(v) for v in coef.ravel()],
                            intercepts=[float(v) for v in intercept],
                            multi_class=1, post_transform="SOFTMAX", **labels)
    norm = helper.make_node("Normalizer", ["probability_tensor"], [proba_out], domain="ai.onnx.ml",
                            name="Normalizer", norm="L1")
    return [node, norm]


def zipmap_node(classes, inp, out):
    labels, _ = label_attr(classes)
    return helper.make_node("ZipMap", [inp], [out], domain="ai.onnx.ml", name="ZipMap", **labels)


def float_input(n_features):
    return helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, [None, n_features])


def zipmap_output(name, key_type):
    """seq(map(key, tensor(float))), the type skl2onnx declares (onnx 1.12's helper has no
    make_map_type_proto, so the TypeProto is filled in by hand)."""
    info = onnx.ValueInfoProto(name=name)
    m = info.type.sequence_type.elem_type.map_type
    m.key_type = key_type
    m.value_type.tensor_type.elem_type = TensorProto.FLOAT
    return info


def save_model(nodes, inputs, outputs, graph_name, path, doc):
    graph = helper.make_graph(nodes, graph_name, inputs, outputs)
    model = helper.make_model(graph, producer_name="modelship-examples", producer_version="1",
                              doc_string=doc,
                              opset_imports=[helper.make_opsetid("", DEFAULT_OPSET),
                                             helper.make_opsetid("ai.onnx.ml", ML_OPSET)])
    model.ir_version = IR_VERSION
    # full_check adds strict shape inference, which onnx 1.12 cannot do for ZipMap's
    # seq(map(...)) output ("type case unsupported for symbolic shape inference").
    has_zipmap = any(n.op_type == "ZipMap" for n in nodes)
    onnx.checker.check_model(model, full_check=not has_zipmap)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    onnx.save(model, path)
    return model


# --- the examples ---------------------------------------------------------------------------------

def check_no_ties(proba, name):
    """Fail when two classes are within float32 reach of each other on a row: which one ONNX
    Runtime picks would then depend on summation order, and a test could not expect a label."""
    top2 = np.sort(proba, axis=1)[:, -2:]
    close = np.flatnonzero(top2[:, 1] - top2[:, 0] < 1e-4)
    if close.size:
        raise SystemExit(f"{name}: rows {list(close)} have near-tied top classes; change the seed")


def write_classifier_expected(path, model, X):
    proba = model.predict_proba(X)
    pred = model.predict(X)
    header = ["prediction"] + [f"probability_{c}" for c in model.classes_]
    write_csv(path, header, [[str(p)] + [num(v) for v in row] for p, row in zip(pred, proba)])
    return proba


def iris_forest(out_dir):
    from sklearn.ensemble import RandomForestClassifier
    src = os.path.join(ROOT, "examples", "data", "iris.csv")
    features, X, y = read_csv(src, "species")
    data = os.path.join(out_dir, "iris.csv")
    with open(src, newline="") as f, open(data, "w", newline="") as g:
        g.write(f.read())
    model = RandomForestClassifier(n_estimators=20, max_depth=4, random_state=7, n_jobs=1)
    model.fit(X, y)
    proba = write_classifier_expected(os.path.join(out_dir, "iris-forest.expected.csv"), model, X)
    check_no_ties(proba, "iris-forest")
    node = forest_classifier_node(model, "label", "probabilities")
    save_model([node], [float_input(len(features))],
               [helper.make_tensor_value_info("label", TensorProto.STRING, [None]),
                helper.make_tensor_value_info("probabilities", TensorProto.FLOAT,
                                              [None, len(model.classes_)])],
               "iris_forest", os.path.join(out_dir, "iris-forest.onnx"),
               "scikit-learn RandomForestClassifier(n_estimators=20, max_depth=4, random_state=7) "
               f"on iris.csv; features {features}; labels {list(model.classes_)}")
    return "iris-forest", features


def iris_logistic(out_dir):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    features, X, y = read_csv(os.path.join(out_dir, "iris.csv"), "species")
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, random_state=0))
    model.fit(X, y)
    scaler, lr = model.steps[0][1], model.steps[1][1]
    proba = write_classifier_expected(os.path.join(out_dir, "iris-logistic.expected.csv"), model, X)
    check_no_ties(proba, "iris-logistic")
    nodes = [scaler_node(scaler, INPUT, "scaled")]
    nodes += logistic_nodes(lr, "scaled", "output_label", "probabilities")
    nodes.append(zipmap_node(lr.classes_, "probabilities", "output_probability"))
    save_model(nodes, [float_input(len(features))],
               [helper.make_tensor_value_info("output_label", TensorProto.STRING, [None]),
                zipmap_output("output_probability", TensorProto.STRING)],
               "iris_logistic", os.path.join(out_dir, "iris-logistic.onnx"),
               "scikit-learn StandardScaler + LogisticRegression(max_iter=1000) on iris.csv; "
               f"features {features}; labels {list(lr.classes_)}; probabilities as ZipMap")
    return "iris-logistic", features


def cancer_logistic(out_dir):
    """Binary, int64 labels: the LOGISTIC path and a ZipMap with int64 keys."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    bunch = load_breast_cancer()
    features = [n.replace(" ", "_") for n in bunch.feature_names]
    data = os.path.join(out_dir, "breast-cancer.csv")
    write_csv(data, features + ["benign"],
              [[num(v) for v in row] + [int(t)] for row, t in zip(bunch.data, bunch.target)])
    features, X, y = read_csv(data, "benign")
    y = int_labels_if_possible(y)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, random_state=0))
    model.fit(X, y)
    scaler, lr = model.steps[0][1], model.steps[1][1]
    proba = write_classifier_expected(os.path.join(out_dir, "breast-cancer-logistic.expected.csv"),
                                      model, X)
    check_no_ties(proba, "breast-cancer-logistic")
    nodes = [scaler_node(scaler, INPUT, "scaled")]
    nodes += logistic_nodes(lr, "scaled", "output_label", "probabilities")
    nodes.append(zipmap_node(lr.classes_, "probabilities", "output_probability"))
    save_model(nodes, [float_input(len(features))],
               [helper.make_tensor_value_info("output_label", TensorProto.INT64, [None]),
                zipmap_output("output_probability", TensorProto.INT64)],
               "breast_cancer_logistic", os.path.join(out_dir, "breast-cancer-logistic.onnx"),
               "scikit-learn StandardScaler + LogisticRegression(max_iter=1000) on "
               "breast-cancer.csv (load_breast_cancer; benign: 1 benign, 0 malignant); "
               f"{len(features)} features; labels {list(lr.classes_)}; probabilities as ZipMap")
    return "breast-cancer-logistic", features


def cancer_forest(out_dir):
    """Binary forest with int64 labels: ONNX Runtime's two-class TreeEnsembleClassifier path."""
    from sklearn.ensemble import RandomForestClassifier
    features, X, y = read_csv(os.path.join(out_dir, "breast-cancer.csv"), "benign")
    y = int_labels_if_possible(y)
    model = RandomForestClassifier(n_estimators=20, max_depth=5, random_state=11, n_jobs=1)
    model.fit(X, y)
    proba = write_classifier_expected(os.path.join(out_dir, "breast-cancer-forest.expected.csv"),
                                      model, X)
    check_no_ties(proba, "breast-cancer-forest")
    save_model([forest_classifier_node(model, "label", "probabilities")],
               [float_input(len(features))],
               [helper.make_tensor_value_info("label", TensorProto.INT64, [None]),
                helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 2])],
               "breast_cancer_forest", os.path.join(out_dir, "breast-cancer-forest.onnx"),
               "scikit-learn RandomForestClassifier(n_estimators=20, max_depth=5, random_state=11) "
               f"on breast-cancer.csv; {len(features)} features; labels {list(model.classes_)}")
    return "breast-cancer-forest", features


def diabetes_forest(out_dir):
    from sklearn.datasets import load_diabetes
    from sklearn.ensemble import RandomForestRegressor
    bunch = load_diabetes()
    data = os.path.join(out_dir, "diabetes.csv")
    write_csv(data, list(bunch.feature_names) + ["progression"],
              [[num(v) for v in row] + [num(t)] for row, t in zip(bunch.data, bunch.target)])
    features, X, y = read_csv(data, "progression")
    y = y.astype(np.float64)
    model = RandomForestRegressor(n_estimators=20, max_depth=6, random_state=3, n_jobs=1)
    model.fit(X, y)
    pred = model.predict(X)
    write_csv(os.path.join(out_dir, "diabetes-forest.expected.csv"), ["prediction"],
              [[num(v)] for v in pred])
    save_model([forest_regressor_node(model, "variable")], [float_input(len(features))],
               [helper.make_tensor_value_info("variable", TensorProto.FLOAT, [None, 1])],
               "diabetes_forest", os.path.join(out_dir, "diabetes-forest.onnx"),
               "scikit-learn RandomForestRegressor(n_estimators=20, max_depth=6, random_state=3) "
               f"on diabetes.csv (load_diabetes); features {features}; target progression")
    return "diabetes-forest", features


# --- the benchmark forest -------------------------------------------------------------------------

def bench_forest(args):
    """The benchmark's forest: the seeds' RandomForestClassifier (benchmarks/seed/train_seed.py:
    same data, settings and seed, so the same trees) as ONNX, plus a JSON spec beside it."""
    from sklearn.ensemble import RandomForestClassifier
    if args.from_joblib:
        import joblib
        model = joblib.load(args.from_joblib)
        features = list(getattr(model, "feature_names_", [f"f{i}" for i in range(model.n_features_in_)]))
        source = {"joblib": os.path.abspath(args.from_joblib)}
    else:
        features, X, y = read_csv(args.data, args.target)
        model = RandomForestClassifier(n_estimators=args.trees, max_depth=args.max_depth,
                                       random_state=args.seed, n_jobs=1)
        model.fit(X, int_labels_if_possible(y))
        source = {"data": os.path.abspath(args.data), "target": args.target, "seed": args.seed}
    node = forest_classifier_node(model, "label", "probabilities")
    _, label_type = label_attr(model.classes_)
    out = args.bench_forest
    onnx_model = save_model(
        [node], [float_input(len(features))],
        [helper.make_tensor_value_info("label", label_type, [None]),
         helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, len(model.classes_)])],
        "bench_forest", out,
        f"scikit-learn RandomForestClassifier(n_estimators={len(model.estimators_)}, "
        f"max_depth={model.max_depth}, random_state={model.random_state}); {len(features)} features")
    with open(out, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    spec = {
        "file": os.path.basename(out),
        "sha256": sha,
        "bytes": os.path.getsize(out),
        "source": source,
        "trees": len(model.estimators_),
        "max_depth": model.max_depth,
        "nodes": sum(e.tree_.node_count for e in model.estimators_),
        "opsets": {"": DEFAULT_OPSET, "ai.onnx.ml": ML_OPSET},
        "ir_version": onnx_model.ir_version,
        "operator": "ai.onnx.ml.TreeEnsembleClassifier",
        "input": {"name": INPUT, "type": "tensor(float)", "shape": [None, len(features)]},
        "features": features,
        "outputs": [
            {"name": "label", "type": "tensor(int64)" if label_type == TensorProto.INT64 else "tensor(string)",
             "shape": [None]},
            {"name": "probabilities", "type": "tensor(float)", "shape": [None, len(model.classes_)]},
        ],
        "labels": [c.item() if hasattr(c, "item") else c for c in model.classes_],
    }
    spec_path = os.path.splitext(out)[0] + ".json"
    with open(spec_path, "w") as f:
        json.dump(spec, f, indent=2)
        f.write("\n")
    print(f"bench forest: {spec['trees']} trees, depth {spec['max_depth']}, {spec['nodes']} nodes, "
          f"{len(features)} features, labels {spec['labels']}, {spec['bytes']} bytes -> {out} (+ {spec_path})")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out-dir", default=HERE, help="where the examples go (default: beside this script)")
    p.add_argument("--bench-forest", metavar="OUT.onnx",
                   help="write only the benchmark forest (and OUT.json, its spec) to this path")
    p.add_argument("--data", default=os.path.join(ROOT, "examples", "data", "synthetic-20.csv"))
    p.add_argument("--target", default="label")
    p.add_argument("--trees", type=int, default=100)
    p.add_argument("--max-depth", type=int, default=10)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--from-joblib", help="convert this fitted RandomForestClassifier instead of training one")
    args = p.parse_args()
    if args.bench_forest:
        bench_forest(args)
        return
    for make in (iris_forest, iris_logistic, cancer_logistic, cancer_forest, diabetes_forest):
        name, features = make(args.out_dir)
        path = os.path.join(args.out_dir, name + ".onnx")
        print(f"{name}: {len(features)} features, {os.path.getsize(path)} bytes -> {path}")


if __name__ == "__main__":
    sys.exit(main())
