package io.evalpipe.worker.engine;

import io.evalpipe.models.GgufFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which texts the bundled llama.cpp (b4916) can tokenize with a model's vocabulary, decided in Java
 * before the native tokenizer sees them.
 *
 * <p>Why: llama.cpp's SentencePiece tokenizer ({@code llm_tokenizer_spm_session} in llama-vocab.cpp,
 * also used for UGM) splits a text into UTF-8 characters, merges neighbours into known pieces, and
 * emits every character it could not merge as bytes: the {@code <0xXX>} token of each byte, or else
 * the byte itself as a one-byte piece ({@code llama_vocab::byte_to_token}; for the bytes of a
 * character outside ASCII such a piece would not be valid UTF-8, so only {@code <0xXX>} counts here). A vocabulary built without
 * byte fallback has neither for a character such as "ë", and {@code token_to_id.at()} throws
 * {@code std::out_of_range}, which the binding does not catch: the JVM aborts (exit 134). So a text
 * can be encoded exactly when each of its characters is a piece of the vocabulary, or each byte of
 * the character has a byte token.
 *
 * <p>The text checked is the one the tokenizer sees: special tokens ({@code <|im_start|>} and other
 * control, user-defined and unknown pieces, which the server parses out of the prompt) are taken out,
 * spaces become {@code ▁} as SentencePiece escapes them, and a leading {@code ▁} is added when the
 * vocabulary adds a space prefix. Other tokenizer types (BPE, WordPiece) never throw here: llama.cpp
 * maps every byte to a piece or skips it.
 */
final class VocabularyCoverage {

    /** GGUF token types (llama.cpp's llama_token_type). */
    private static final int TYPE_UNKNOWN = 2;
    private static final int TYPE_CONTROL = 3;
    private static final int TYPE_USER_DEFINED = 4;
    private static final String SPACE = "\u2581";

    /** Every text encodes: a vocabulary with byte fallback, or a tokenizer that cannot fail this way. */
    static final VocabularyCoverage COMPLETE = new VocabularyCoverage(null, Set.of(), List.of(), false);

    private final Set<String> pieces;
    private final Set<Integer> byteTokens;
    /** Longest first, so that a special token containing another is taken out whole. */
    private final List<String> specials;
    private final boolean addSpacePrefix;

    private VocabularyCoverage(Set<String> pieces, Set<Integer> byteTokens, List<String> specials, boolean addSpacePrefix) {
        this.pieces = pieces;
        this.byteTokens = byteTokens;
        this.specials = specials;
        this.addSpacePrefix = addSpacePrefix;
    }

    static VocabularyCoverage of(GgufFile file) {
        String model = file.getString("tokenizer.ggml.model").orElse("");
        if (!model.equals("llama") && !model.equals("t5")) {
            return COMPLETE;
        }
        List<?> tokens = file.value("tokenizer.ggml.tokens").filter(List.class::isInstance).map(List.class::cast).orElse(List.of());
        List<?> types = file.value("tokenizer.ggml.token_type").filter(List.class::isInstance).map(List.class::cast).orElse(List.of());
        Set<String> pieces = new HashSet<>(tokens.size() * 2);
        Set<Integer> bytes = new HashSet<>();
        List<String> specials = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (!(tokens.get(i) instanceof String piece)) {
                continue;
            }
            pieces.add(piece);
            Integer b = byteToken(piece);
            if (b != null) {
                bytes.add(b);
            }
            int type = i < types.size() && types.get(i) instanceof Number n ? n.intValue() : 1;
            if ((type == TYPE_CONTROL || type == TYPE_USER_DEFINED || type == TYPE_UNKNOWN) && !piece.isEmpty()) {
                specials.add(piece);
            }
        }
        if (bytes.size() == 256) {
            return COMPLETE;
        }
        specials.sort(Comparator.comparingInt(String::length).reversed());
        boolean prefix = file.getBoolean("tokenizer.ggml.add_space_prefix").orElse(true);
        return new VocabularyCoverage(pieces, bytes, specials, prefix);
    }

    /** True when every text encodes, so no check is needed. */
    boolean complete() {
        return pieces == null;
    }

    /**
     * The first character of {@code text} that the vocabulary cannot encode, as it would reach the
     * tokenizer (a space is reported as {@code ▁}); empty when the whole text encodes.
     */
    Optional<String> firstUnencodable(String text) {
        if (complete() || text.isEmpty()) {
            return Optional.empty();
        }
        for (String fragment : withoutSpecials(text)) {
            if (fragment.isEmpty()) {
                continue;
            }
            String escaped = (addSpacePrefix ? SPACE : "") + fragment.replace(" ", SPACE);
            for (int i = 0; i < escaped.length(); ) {
                int cp = escaped.codePointAt(i);
                String ch = new String(Character.toChars(cp));
                i += ch.length();
                if (!pieces.contains(ch) && !allBytesHaveTokens(ch)) {
                    return Optional.of(ch);
                }
            }
        }
        return Optional.empty();
    }

    /** A sentence for an error: the character, its code point, and why it cannot be encoded. */
    static String describe(String character) {
        String shown = character.codePoints().allMatch(c -> c >= 0x20 && c != 0x7f) ? "'" + character + "' " : "";
        return "the model's vocabulary cannot encode the character " + shown + "(U+"
                + String.format(Locale.ROOT, "%04X", character.codePointAt(0))
                + "): it has no piece for it and no byte-fallback tokens, and llama.cpp b4916 would abort the process on it";
    }

    private boolean allBytesHaveTokens(String ch) {
        for (byte b : ch.getBytes(StandardCharsets.UTF_8)) {
            if (!byteTokens.contains(b & 0xff)) {
                return false;
            }
        }
        return true;
    }

    private List<String> withoutSpecials(String text) {
        List<String> parts = new ArrayList<>(List.of(text));
        for (String special : specials) {
            List<String> next = new ArrayList<>();
            for (String part : parts) {
                int from = 0;
                for (int at; (at = part.indexOf(special, from)) >= 0; from = at + special.length()) {
                    next.add(part.substring(from, at));
                }
                next.add(part.substring(from));
            }
            parts = next;
        }
        return parts;
    }

    /** The byte of a {@code <0xXX>} piece, or null. */
    private static Integer byteToken(String piece) {
        if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
            try {
                return Integer.parseInt(piece.substring(3, 5), 16);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
