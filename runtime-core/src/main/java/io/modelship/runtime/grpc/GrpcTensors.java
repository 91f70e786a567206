package io.modelship.runtime.grpc;

import com.google.protobuf.ByteString;
import io.modelship.runtime.grpc.v2.InferTensorContents;
import io.modelship.runtime.grpc.v2.ModelInferRequest;
import io.modelship.runtime.inference.FeatureRows;
import io.modelship.runtime.inference.InputTensors;
import io.modelship.runtime.inference.InputTensors.Tensor;
import io.modelship.runtime.inference.RequestException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rows of a {@code ModelInferRequest}, read as REST's {@code /v2/…/infer} reads its JSON: one
 * {@code [rows, features]} (or {@code [features]}) tensor, or one {@code [rows]} tensor per feature
 * named after it; numeric datatypes only, in typed contents (the field of the datatype) or in
 * {@code raw_input_contents} (little-endian, row-major); every value finite and within its
 * datatype's range; the shape's element count equal to the data's.
 */
final class GrpcTensors {

  private static final Set<String> NUMERIC_TYPES =
      Set.of(
          "FP32", "FP64", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64");

  private GrpcTensors() {}

  static double[][] rows(FeatureRows features, ModelInferRequest request) {
    int inputs = request.getInputsCount();
    if (inputs == 0) {
      throw RequestException.badInput("'inputs' must be a non-empty list of tensors");
    }
    int raw = request.getRawInputContentsCount();
    if (raw > 0 && raw != inputs) {
      throw RequestException.badInput(
          "raw_input_contents has "
              + raw
              + " entries for "
              + inputs
              + " inputs; send one per input, in the order of inputs");
    }
    Tensor[] tensors = new Tensor[inputs];
    for (int i = 0; i < inputs; i++) {
      ModelInferRequest.InferInputTensor input = request.getInputs(i);
      if (raw > 0 && input.hasContents()) {
        throw RequestException.badInput(
            "input '"
                + input.getName()
                + "' has contents but the request also has"
                + " raw_input_contents; use one or the other");
      }
      tensors[i] = TensorProto.read(input, raw > 0 ? request.getRawInputContents(i) : null);
    }
    return InputTensors.rows(features, Arrays.asList(tensors));
  }

  /**
   * A numeric input tensor read from its protobuf, its data flattened row-major and checked against
   * its shape.
   */
  private static final class TensorProto {

    private TensorProto() {}

    static Tensor read(ModelInferRequest.InferInputTensor input, ByteString raw) {
      String name = input.getName().isEmpty() ? "input-0" : input.getName();
      String datatype = input.getDatatype();
      if (!NUMERIC_TYPES.contains(datatype)) {
        throw RequestException.badInput(
            "input '"
                + name
                + "' has unsupported datatype '"
                + datatype
                + "'; use one of "
                + new TreeSet<>(NUMERIC_TYPES));
      }
      if (input.getShapeCount() == 0) {
        throw RequestException.badInput("input '" + name + "' needs a 'shape' list");
      }
      long[] shape = new long[input.getShapeCount()];
      long expected = 1;
      for (int i = 0; i < shape.length; i++) {
        shape[i] = input.getShape(i);
        if (shape[i] < 0) {
          throw RequestException.badInput(
              "input '" + name + "' has an invalid shape " + input.getShapeList());
        }
        try {
          expected = Math.multiplyExact(expected, shape[i]);
        } catch (ArithmeticException e) {
          throw RequestException.badInput(
              "input '" + name + "' has an impossibly large shape " + input.getShapeList());
        }
      }
      double[] values =
          raw != null
              ? fromRaw(name, datatype, raw, expected, input.getShapeList())
              : fromContents(name, datatype, input.getContents(), expected, input.getShapeList());
      return new Tensor(name, shape, values);
    }

    private static double[] fromContents(
        String name, String datatype, InferTensorContents c, long expected, List<Long> shape) {
      int count =
          switch (datatype) {
            case "FP64" -> c.getFp64ContentsCount();
            case "FP32" -> c.getFp32ContentsCount();
            case "INT8", "INT16", "INT32" -> c.getIntContentsCount();
            case "INT64" -> c.getInt64ContentsCount();
            case "UINT8", "UINT16", "UINT32" -> c.getUintContentsCount();
            default -> c.getUint64ContentsCount();
          };
      if (count != expected) {
        throw RequestException.badInput(
            "input '"
                + name
                + "' has shape "
                + shape
                + " ("
                + expected
                + " values) but its "
                + field(datatype)
                + " hold "
                + count);
      }
      double[] out = new double[count];
      switch (datatype) {
        case "FP64" -> {
          for (int i = 0; i < count; i++) {
            out[i] = finite(c.getFp64Contents(i), name, i);
          }
        }
        case "FP32" -> {
          for (int i = 0; i < count; i++) {
            out[i] = finite(c.getFp32Contents(i), name, i);
          }
        }
        case "INT8", "INT16", "INT32" -> {
          long min =
              datatype.equals("INT8")
                  ? Byte.MIN_VALUE
                  : datatype.equals("INT16") ? Short.MIN_VALUE : Integer.MIN_VALUE;
          long max =
              datatype.equals("INT8")
                  ? Byte.MAX_VALUE
                  : datatype.equals("INT16") ? Short.MAX_VALUE : Integer.MAX_VALUE;
          for (int i = 0; i < count; i++) {
            out[i] = inRange(c.getIntContents(i), min, max, datatype, name, i);
          }
        }
        case "INT64" -> {
          for (int i = 0; i < count; i++) {
            out[i] = c.getInt64Contents(i);
          }
        }
        case "UINT8", "UINT16", "UINT32" -> {
          long max =
              datatype.equals("UINT8") ? 0xFF : datatype.equals("UINT16") ? 0xFFFF : 0xFFFF_FFFFL;
          for (int i = 0; i < count; i++) {
            out[i] =
                inRange(Integer.toUnsignedLong(c.getUintContents(i)), 0, max, datatype, name, i);
          }
        }
        default -> {
          for (int i = 0; i < count; i++) {
            out[i] = unsigned(c.getUint64Contents(i));
          }
        }
      }
      return out;
    }

    private static double[] fromRaw(
        String name, String datatype, ByteString raw, long expected, List<Long> shape) {
      int size =
          switch (datatype) {
            case "FP64", "INT64", "UINT64" -> 8;
            case "FP32", "INT32", "UINT32" -> 4;
            case "INT16", "UINT16" -> 2;
            default -> 1;
          };
      if (raw.size() % size != 0 || raw.size() / size != expected) {
        throw RequestException.badInput(
            "input '"
                + name
                + "' has shape "
                + shape
                + " ("
                + expected
                + " values of "
                + size
                + " bytes) but its raw_input_contents hold "
                + raw.size()
                + " bytes");
      }
      int count = (int) expected;
      ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      double[] out = new double[count];
      switch (datatype) {
        case "FP64" -> {
          b.asDoubleBuffer().get(out);
          for (int i = 0; i < count; i++) {
            finite(out[i], name, i);
          }
        }
        case "FP32" -> {
          for (int i = 0; i < count; i++) {
            out[i] = finite(b.getFloat(), name, i);
          }
        }
        case "INT64" -> {
          for (int i = 0; i < count; i++) {
            out[i] = b.getLong();
          }
        }
        case "UINT64" -> {
          for (int i = 0; i < count; i++) {
            out[i] = unsigned(b.getLong());
          }
        }
        case "INT32" -> {
          for (int i = 0; i < count; i++) {
            out[i] = b.getInt();
          }
        }
        case "UINT32" -> {
          for (int i = 0; i < count; i++) {
            out[i] = Integer.toUnsignedLong(b.getInt());
          }
        }
        case "INT16" -> {
          for (int i = 0; i < count; i++) {
            out[i] = b.getShort();
          }
        }
        case "UINT16" -> {
          for (int i = 0; i < count; i++) {
            out[i] = Short.toUnsignedInt(b.getShort());
          }
        }
        case "INT8" -> {
          for (int i = 0; i < count; i++) {
            out[i] = b.get();
          }
        }
        default -> {
          for (int i = 0; i < count; i++) {
            out[i] = Byte.toUnsignedInt(b.get());
          }
        }
      }
      return out;
    }

    private static String field(String datatype) {
      return switch (datatype) {
        case "FP64" -> "fp64_contents";
        case "FP32" -> "fp32_contents";
        case "INT8", "INT16", "INT32" -> "int_contents";
        case "INT64" -> "int64_contents";
        case "UINT8", "UINT16", "UINT32" -> "uint_contents";
        default -> "uint64_contents";
      };
    }

    private static double finite(double v, String name, int i) {
      if (!Double.isFinite(v)) {
        FeatureRows.finite(v, "input '" + name + "' value " + i);
      }
      return v;
    }

    private static double inRange(long v, long min, long max, String datatype, String name, int i) {
      if (v < min || v > max) {
        throw RequestException.badInput(
            "input '"
                + name
                + "' value "
                + i
                + " ("
                + v
                + ") is outside "
                + datatype
                + "'s range "
                + min
                + ".."
                + max);
      }
      return v;
    }

    private static double unsigned(long v) {
      return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }
  }
}
