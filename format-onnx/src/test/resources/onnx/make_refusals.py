#!/usr/bin/python3
"""Tiny ONNX graphs the ONNX format must refuse at load (run with Debian's python3-onnx):
two inputs, and a double input. The committed .onnx files are what tests read."""
import os
import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))


def save(graph, name):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, name))


x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 4])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 4])
out = helper.make_tensor_value_info("sum", TensorProto.FLOAT, [None, 4])
save(helper.make_graph([helper.make_node("Add", ["x", "y"], ["sum"])], "two_inputs", [x, y], [out]),
     "two-inputs.onnx")

d = helper.make_tensor_value_info("input", TensorProto.DOUBLE, [None, 4])
dout = helper.make_tensor_value_info("same", TensorProto.DOUBLE, [None, 4])
save(helper.make_graph([helper.make_node("Identity", ["input"], ["same"])], "double_input", [d], [dout]),
     "double-input.onnx")
