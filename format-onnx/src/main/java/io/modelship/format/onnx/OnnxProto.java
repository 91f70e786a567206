package io.modelship.format.onnx;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The few parts of an ONNX file ({@code onnx.proto}'s {@code ModelProto}) the compiled tree
 * ensembles need: the graph's nodes with their attributes and the graph's inputs, outputs and
 * initializers by name. A small reader of the protobuf wire format (no Maven artifact ships ONNX's
 * generated classes); unknown fields are skipped, as protobuf readers do. ONNX Runtime has already
 * loaded the same file, so a malformed one never gets here; any surprise is an {@link
 * IllegalArgumentException} that sends the model to ONNX Runtime.
 */
final class OnnxProto {

  /**
   * One attribute of a node; arrays are empty when absent (primitive: forests have ~10^5 nodes).
   */
  record Attribute(
      String name, long[] ints, float[] floats, List<String> strings, boolean tensor) {}

  record Node(
      String opType,
      String domain,
      List<String> inputs,
      List<String> outputs,
      Map<String, Attribute> attributes) {}

  record Graph(List<Node> nodes, List<String> inputs, List<String> outputs, int initializers) {}

  private OnnxProto() {}

  static Graph graph(byte[] model) {
    Reader r = new Reader(model, 0, model.length);
    Graph graph = null;
    while (r.more()) {
      int tag = r.tag();
      if (tag >>> 3 == 7 && (tag & 7) == 2) {
        graph = graph(r.message());
      } else {
        r.skip(tag);
      }
    }
    if (graph == null) {
      throw new IllegalArgumentException("no graph in the ONNX model");
    }
    return graph;
  }

  private static Graph graph(Reader r) {
    List<Node> nodes = new ArrayList<>();
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    int initializers = 0;
    while (r.more()) {
      int tag = r.tag();
      switch (tag >>> 3) {
        case 1 -> nodes.add(node(r.message()));
        case 5, 15 -> {
          initializers++;
          r.skip(tag);
        }
        case 11 -> inputs.add(valueInfoName(r.message()));
        case 12 -> outputs.add(valueInfoName(r.message()));
        default -> r.skip(tag);
      }
    }
    return new Graph(nodes, inputs, outputs, initializers);
  }

  private static String valueInfoName(Reader r) {
    String name = "";
    while (r.more()) {
      int tag = r.tag();
      if (tag >>> 3 == 1) {
        name = r.string();
      } else {
        r.skip(tag);
      }
    }
    return name;
  }

  private static Node node(Reader r) {
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    String opType = "";
    String domain = "";
    Map<String, Attribute> attributes = new LinkedHashMap<>();
    while (r.more()) {
      int tag = r.tag();
      switch (tag >>> 3) {
        case 1 -> inputs.add(r.string());
        case 2 -> outputs.add(r.string());
        case 4 -> opType = r.string();
        case 7 -> domain = r.string();
        case 5 -> {
          Attribute a = attribute(r.message());
          attributes.put(a.name(), a);
        }
        default -> r.skip(tag);
      }
    }
    return new Node(opType, domain, inputs, outputs, attributes);
  }

  private static Attribute attribute(Reader r) {
    String name = "";
    Longs ints = new Longs();
    Floats floats = new Floats();
    List<String> strings = new ArrayList<>();
    boolean tensor = false;
    while (r.more()) {
      int tag = r.tag();
      int field = tag >>> 3;
      int wire = tag & 7;
      switch (field) {
        case 1 -> name = r.string();
        case 2 -> floats.add(r.fixed32());
        case 3 -> ints.add(r.varint());
        case 4, 9 -> strings.add(r.string());
        case 5, 10 -> {
          tensor = true;
          r.skip(tag);
        }
        case 7 -> {
          if (wire == 2) {
            Reader packed = r.message();
            while (packed.more()) {
              floats.add(packed.fixed32());
            }
          } else {
            floats.add(r.fixed32());
          }
        }
        case 8 -> {
          if (wire == 2) {
            Reader packed = r.message();
            while (packed.more()) {
              ints.add(packed.varint());
            }
          } else {
            ints.add(r.varint());
          }
        }
        default -> r.skip(tag);
      }
    }
    return new Attribute(name, ints.toArray(), floats.toArray(), strings, tensor);
  }

  private static final class Longs {
    private long[] values = new long[8];
    private int size;

    void add(long v) {
      if (size == values.length) {
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    long[] toArray() {
      return java.util.Arrays.copyOf(values, size);
    }
  }

  private static final class Floats {
    private float[] values = new float[8];
    private int size;

    void add(float v) {
      if (size == values.length) {
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    float[] toArray() {
      return java.util.Arrays.copyOf(values, size);
    }
  }

  /**
   * Protobuf's wire format over a byte array (plain array reads: the model is parsed once, at
   * startup, mostly in the interpreter, where every call counts).
   */
  private static final class Reader {
    private final byte[] bytes;
    private int position;
    private final int end;

    Reader(byte[] bytes, int from, int end) {
      this.bytes = bytes;
      this.position = from;
      this.end = end;
    }

    boolean more() {
      return position < end;
    }

    int tag() {
      long tag = varint();
      if (tag <= 0 || tag > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("bad protobuf tag " + tag);
      }
      return (int) tag;
    }

    long varint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (position >= end) {
          throw new IllegalArgumentException("protobuf varint past the end");
        }
        byte b = bytes[position++];
        value |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return value;
        }
      }
      throw new IllegalArgumentException("protobuf varint longer than 10 bytes");
    }

    float fixed32() {
      if (position + 4 > end) {
        throw new IllegalArgumentException("protobuf fixed32 past the end");
      }
      int bits =
          (bytes[position] & 0xff)
              | (bytes[position + 1] & 0xff) << 8
              | (bytes[position + 2] & 0xff) << 16
              | (bytes[position + 3] & 0xff) << 24;
      position += 4;
      return Float.intBitsToFloat(bits);
    }

    Reader message() {
      int length = length();
      Reader inner = new Reader(bytes, position, position + length);
      position += length;
      return inner;
    }

    String string() {
      int length = length();
      String value = new String(bytes, position, length, StandardCharsets.UTF_8);
      position += length;
      return value;
    }

    private int length() {
      long length = varint();
      if (length < 0 || length > end - position) {
        throw new IllegalArgumentException("protobuf length " + length + " past the end");
      }
      return (int) length;
    }

    void skip(int tag) {
      int skip =
          switch (tag & 7) {
            case 0 -> {
              varint();
              yield 0;
            }
            case 1 -> 8;
            case 2 -> length();
            case 5 -> 4;
            default ->
                throw new IllegalArgumentException("unsupported protobuf wire type " + (tag & 7));
          };
      if (skip > end - position) {
        throw new IllegalArgumentException("protobuf field past the end");
      }
      position += skip;
    }
  }
}
