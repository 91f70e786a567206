package io.modelship.format.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The few parts of an ONNX file ({@code onnx.proto}'s {@code ModelProto}) the compiled tree
 * ensembles need: the graph's nodes with their attributes and the graph's inputs, outputs and
 * initializers by name. A small reader of the protobuf wire format (no Maven artifact ships
 * ONNX's generated classes); unknown fields are skipped, as protobuf readers do. ONNX Runtime has
 * already loaded the same file, so a malformed one never gets here; any surprise is an
 * {@link IllegalArgumentException} that sends the model to ONNX Runtime.
 */
final class OnnxProto {

    /** One attribute of a node; lists are empty when absent. */
    record Attribute(String name, List<Long> ints, List<Float> floats, List<String> strings, boolean tensor) {}

    record Node(String opType, String domain, List<String> inputs, List<String> outputs,
            Map<String, Attribute> attributes) {}

    record Graph(List<Node> nodes, List<String> inputs, List<String> outputs, int initializers) {}

    private OnnxProto() {}

    static Graph graph(byte[] model) {
        Reader r = new Reader(ByteBuffer.wrap(model));
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
        List<Long> ints = new ArrayList<>();
        List<Float> floats = new ArrayList<>();
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
        return new Attribute(name, ints, floats, strings, tensor);
    }

    /** Protobuf's wire format over a little-endian buffer. */
    private static final class Reader {
        private final ByteBuffer buffer;

        Reader(ByteBuffer buffer) {
            this.buffer = buffer.order(ByteOrder.LITTLE_ENDIAN);
        }

        boolean more() {
            return buffer.hasRemaining();
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
                byte b = buffer.get();
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("protobuf varint longer than 10 bytes");
        }

        float fixed32() {
            return buffer.getFloat();
        }

        Reader message() {
            int length = length();
            ByteBuffer slice = buffer.slice(buffer.position(), length);
            buffer.position(buffer.position() + length);
            return new Reader(slice);
        }

        String string() {
            int length = length();
            byte[] bytes = new byte[length];
            buffer.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        private int length() {
            long length = varint();
            if (length < 0 || length > buffer.remaining()) {
                throw new IllegalArgumentException("protobuf length " + length + " past the end");
            }
            return (int) length;
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> varint();
                case 1 -> buffer.position(buffer.position() + 8);
                case 2 -> {
                    int length = length();
                    buffer.position(buffer.position() + length);
                }
                case 5 -> buffer.position(buffer.position() + 4);
                default -> throw new IllegalArgumentException("unsupported protobuf wire type " + (tag & 7));
            }
        }
    }
}
