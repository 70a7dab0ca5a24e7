package io.evalpipe.producer;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What Jackson leaves to us on a prompt line: saying where in the line a value is, in the file's own
 * terms ({@code messages[0].content}), and refusing strings that are not whole Unicode text.
 */
final class JsonText {

    private JsonText() {}

    /** The path of the field a parser is at, e.g. {@code params.max_tokens}. */
    static String path(JsonStreamContext context) {
        List<JsonStreamContext> chain = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            chain.add(c);
        }
        Collections.reverse(chain);
        StringBuilder path = new StringBuilder();
        for (JsonStreamContext c : chain) {
            if (c.inArray()) {
                path.append('[').append(c.getCurrentIndex()).append(']');
            } else {
                path.append(path.isEmpty() ? "" : ".").append(c.getCurrentName());
            }
        }
        return path.toString();
    }

    /**
     * The first string (value or key) holding half of a UTF-16 surrogate pair, as a reason, or null.
     * The file is checked as UTF-8 first, so such a string can only come from a JSON escape of one
     * half of a pair without the other; passed on, it would become a '?' or a crash in the engine.
     */
    static String unpairedSurrogate(JsonNode node, String path) {
        if (node.isTextual()) {
            String unit = unpaired(node.textValue());
            return unit == null ? null : path + " contains " + unit;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String problem = unpairedSurrogate(node.get(i), path + "[" + i + "]");
                if (problem != null) {
                    return problem;
                }
            }
        }
        if (node.isObject()) {
            for (var fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String unit = unpaired(field.getKey());
                if (unit != null) {
                    return (path.isEmpty() ? "a field name" : "a field name in " + path) + " contains " + unit;
                }
                String problem = unpairedSurrogate(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey());
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    /** What the first lone half of a surrogate pair in {@code s} is, or null when there is none. */
    private static String unpaired(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return String.format("an unpaired UTF-16 surrogate \\u%04X (a \\u escape of half a character)", (int) c);
            }
        }
        return null;
    }
}
