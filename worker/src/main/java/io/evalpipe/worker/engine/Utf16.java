package io.evalpipe.worker.engine;

/** Text every engine sends: Java strings may hold what UTF-8, and so llama.cpp and JSON, cannot. */
final class Utf16 {

    private Utf16() {}

    /**
     * Replaces unpaired UTF-16 surrogates, which cannot be encoded as UTF-8: the binding would turn
     * them into '?' in a prompt, or into JSON llama.cpp cannot parse.
     */
    static String wellFormed(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad;
            if (Character.isHighSurrogate(c)) {
                bad = i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
                if (!bad) {
                    if (out != null) {
                        out.append(c).append(s.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
            } else {
                bad = Character.isLowSurrogate(c);
            }
            if (bad && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                out.append(bad ? '\uFFFD' : c);
            }
        }
        return out == null ? s : out.toString();
    }
}
