package io.modelship.kubectl.argocd;

import java.util.List;
import java.util.Map;

/**
 * A JSON tree (maps, lists, scalars) written as a Lua 5.1 table constructor, as Argo CD hands `obj`
 * to Lua.
 */
final class LuaTable {

  private LuaTable() {}

  static String literal(Object value) {
    var out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  private static void write(Object value, StringBuilder out) {
    switch (value) {
      case null -> out.append("nil");
      case Map<?, ?> map -> {
        out.append('{');
        map.forEach(
            (k, v) -> {
              if (v != null) {
                out.append('[');
                string(String.valueOf(k), out);
                out.append("]=");
                write(v, out);
                out.append(',');
              }
            });
        out.append('}');
      }
      case List<?> list -> {
        out.append('{');
        list.stream()
            .filter(v -> v != null)
            .forEach(
                v -> {
                  write(v, out);
                  out.append(',');
                });
        out.append('}');
      }
      case String s -> string(s, out);
      case Boolean b -> out.append(b);
      case Number n -> out.append(n);
      default -> string(value.toString(), out);
    }
  }

  /**
   * A quoted Lua string; every byte outside printable ASCII as a decimal escape, which Lua 5.1
   * reads back exactly.
   */
  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        out.append((char) c);
      } else {
        out.append('\\').append(c);
      }
    }
    out.append('"');
  }
}
