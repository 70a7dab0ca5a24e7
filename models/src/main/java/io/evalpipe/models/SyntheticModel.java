package io.evalpipe.models;

import io.evalpipe.models.GgufWriter.TensorType;
import io.evalpipe.models.GgufWriter.TensorValues;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A llama-architecture model with seeded random weights, written on the spot.
 *
 * <p>It exists so that the whole pipeline (tokenizer, chat template, grammar, sampling, timings,
 * Kafka) runs through real llama.cpp in tests and on machines without a downloaded model. Its text
 * means nothing; its speed and its behaviour under load are real.
 *
 * <p>Design choices that tests rely on:
 *
 * <ul>
 *   <li>Same size and seed give the same bytes, so a file can be cached and compared by hash.
 *   <li>The vocabulary is a byte-fallback SentencePiece one: any text, newlines and non-ASCII
 *       included, tokenizes (without the 256 {@code <0xXX>} tokens llama.cpp fails on a newline
 *       with {@code _Map_base::at}). Common English words, every ▁-prefix of them (so SentencePiece
 *       merges can reach the whole word), printable ASCII and JSON punctuation are single pieces.
 *   <li>The output rows of control tokens (end of turn included), byte tokens and word fragments
 *       are zero while the others give logits of spread about 4: decoding picks whole words and
 *       punctuation, always valid UTF-8, re-tokenizing a reply gives back its token count, and the
 *       model never ends a reply by itself, so a reply runs to max tokens unless a stop string or a
 *       grammar ends it. That makes length and timing tests predictable.
 *   <li>It carries a ChatML Jinja template, so chat rendering goes through the same code as for a
 *       real model, and {@value GgufFile#SYNTHETIC_KEY} = true so reports can flag it.
 * </ul>
 */
public final class SyntheticModel {

    private static final Logger log = LoggerFactory.getLogger(SyntheticModel.class);

    /** The ChatML template: what most instruction-tuned GGUFs ship, and recognised by llama.cpp. */
    public static final String CHAT_TEMPLATE =
            "{% for message in messages %}"
                    + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
                    + "{% endfor %}"
                    + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static final int TOKEN_NORMAL = 1;
    private static final int TOKEN_UNKNOWN = 2;
    private static final int TOKEN_CONTROL = 3;
    private static final int TOKEN_BYTE = 6;

    private static final int CONTEXT_LENGTH = 4096;
    private static final float EMBEDDING_STD = 0.02f;
    private static final float WEIGHT_STD = 0.02f;
    private static final float LOGIT_STD = 4f;

    /**
     * The llama.cpp architecture written into {@code general.architecture}. Both are the same
     * network as far as the tokenizer and the pipeline go; {@link #QWEN3} adds per-head RMS norms on
     * Q and K (the tensors {@code blk.N.attn_q_norm} and {@code attn_k_norm}) and uses NeoX RoPE.
     * The llama.cpp b4916 that de.kherud:llama 4.2.0 bundles refuses it ({@code unknown model
     * architecture: 'qwen3'}, a {@code LlamaException} in Java); llama-server b10573 loads it. That
     * makes it the file for testing what a too-old in-process engine does with a model it cannot load.
     */
    public enum Arch {
        LLAMA("llama"),
        QWEN3("qwen3");

        final String ggufName;

        Arch(String ggufName) {
            this.ggufName = ggufName;
        }

        public String ggufName() {
            return ggufName;
        }
    }

    /**
     * What to write besides the size and seed.
     *
     * @param arch the architecture
     * @param byteTokens whether the vocabulary has the 256 byte-fallback tokens {@code <0x00>} to
     *     {@code <0xFF>}. Without them llama.cpp's SentencePiece tokenizer can encode only text whose
     *     every code point is itself a piece: here printable ASCII, the space (as {@code ▁}) and the
     *     newline. Any other character (the {@code ë} of {@code Zoë}, a tab, an emoji) makes it throw
     *     {@code std::out_of_range} (what() is {@code _Map_base::at} or {@code unordered_map::at},
     *     by libstdc++ version): {@code LlamaModel.encode} does not catch it and the JVM aborts,
     *     llama-server answers the request with HTTP 400. For testing that path.
     */
    public record Variant(Arch arch, boolean byteTokens) {
        /** What {@link #write(Path, Size, long)} writes: llama, with byte-fallback tokens. */
        public static final Variant DEFAULT = new Variant(Arch.LLAMA, true);

        public Variant {
            java.util.Objects.requireNonNull(arch, "arch");
        }
    }

    /** How big a model to write. */
    public enum Size {
        /** About 1.2M parameters, F32, about 5 MB: thousands of tokens a second on one core. */
        TINY(128, 4, 4, 2, 384, TensorType.F32),
        /** About 103M parameters, F16, about 200 MB: the compute of a small real model. */
        SMALL(768, 16, 12, 4, 2048, TensorType.F16);

        final int embedding;
        final int blocks;
        final int heads;
        final int headsKv;
        final int feedForward;
        final TensorType type;

        Size(int embedding, int blocks, int heads, int headsKv, int feedForward, TensorType type) {
            this.embedding = embedding;
            this.blocks = blocks;
            this.heads = heads;
            this.headsKv = headsKv;
            this.feedForward = feedForward;
            this.type = type;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private SyntheticModel() {}

    /** The name {@link #ensure} callers usually give the file, e.g. {@code evalpipe-synthetic-tiny-seed42.gguf}. */
    public static String defaultFileName(Size size, long seed) {
        return "evalpipe-synthetic-" + size.label() + "-seed" + seed + ".gguf";
    }

    /**
     * Writes the model to {@code out}, replacing any file there. The file appears whole or not at
     * all (written to a temporary name in the same folder, then moved), so a reader never sees half
     * a model, and concurrent writers of the same size and seed are harmless.
     */
    public static void write(Path out, Size size, long seed) {
        write(out, size, seed, Variant.DEFAULT);
    }

    /** As {@link #write(Path, Size, long)}, for another architecture or vocabulary. */
    public static void write(Path out, Size size, long seed, Variant variant) {
        Path abs = out.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            // Not Files.createTempFile: its owner-only permissions would stick to the model file.
            tmp = dir.resolve(abs.getFileName() + "." + ProcessHandle.current().pid() + "."
                    + Long.toHexString(System.nanoTime()) + ".tmp");
            long t0 = System.nanoTime();
            try (OutputStream os = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writer(size, seed, variant).write(os);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            log.info("Wrote synthetic {} {} model{} (seed {}) to {}: {} bytes in {} ms",
                    size.label(), variant.arch().ggufName(), variant.byteTokens() ? "" : " without byte tokens",
                    seed, abs, Files.size(abs), (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write synthetic model " + abs + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a stray .tmp file is harmless
                }
            }
        }
    }

    /**
     * Returns {@code file}, writing it first unless it already holds the synthetic model of this
     * size and seed. Refuses to replace a file that is not a synthetic model, so a mistyped path
     * cannot overwrite a real one.
     *
     * @throws ModelFileException when {@code file} exists and is something else
     */
    public static Path ensure(Path file, Size size, long seed) {
        return ensure(file, size, seed, Variant.DEFAULT);
    }

    /** As {@link #ensure(Path, Size, long)}, for another architecture or vocabulary. */
    public static Path ensure(Path file, Size size, long seed, Variant variant) {
        synchronized (SyntheticModel.class) {
            if (Files.exists(file)) {
                GgufFile existing = GgufFile.read(file);
                if (!existing.isSynthetic()) {
                    throw new ModelFileException(file, "exists and is not a synthetic model: not overwriting it");
                }
                boolean same = existing.getString(GgufFile.SYNTHETIC_KEY + ".size").orElse("").equals(size.label())
                        && existing.getLong(GgufFile.SYNTHETIC_KEY + ".seed").orElse(seed + 1) == seed
                        && existing.getLong(GgufFile.SYNTHETIC_KEY + ".format").orElse(-1) == FORMAT
                        && variant.arch().ggufName().equals(existing.architecture())
                        // absent in default files, whose bytes predate the key
                        && existing.getBoolean(BYTE_TOKENS_KEY).orElse(true) == variant.byteTokens();
                if (same) {
                    return file;
                }
                log.info("Replacing synthetic model {}: it is not the {} one with seed {}", file, size.label(), seed);
            }
            write(file, size, seed, variant);
            return file;
        }
    }

    /** Bumped whenever the layout changes, so {@link #ensure} replaces files from older code. */
    private static final long FORMAT = 2;

    /** Written (false) only by variants without byte tokens, so default files keep their bytes. */
    static final String BYTE_TOKENS_KEY = GgufFile.SYNTHETIC_KEY + ".byte_tokens";

    static GgufWriter writer(Size size, long seed) {
        return writer(size, seed, Variant.DEFAULT);
    }

    static GgufWriter writer(Size size, long seed, Variant variant) {
        Vocab vocab = Vocab.build(variant.byteTokens());
        int n = vocab.tokens.size();
        int d = size.embedding;
        int headDim = d / size.heads;
        int kvDim = headDim * size.headsKv;
        String a = variant.arch().ggufName();
        boolean qwen3 = variant.arch() == Arch.QWEN3;

        GgufWriter w = new GgufWriter()
                .putString("general.architecture", a)
                .putString("general.name", "evalpipe-synthetic-" + size.label())
                .putString("general.description",
                        "Random weights for tests and benchmarks of the evalpipe pipeline; its text means nothing.")
                .putUint32("general.file_type", size.type == TensorType.F32 ? 0 : 1)
                .putUint32(a + ".context_length", CONTEXT_LENGTH)
                .putUint32(a + ".embedding_length", d)
                .putUint32(a + ".block_count", size.blocks)
                .putUint32(a + ".feed_forward_length", size.feedForward)
                .putUint32(a + ".attention.head_count", size.heads)
                .putUint32(a + ".attention.head_count_kv", size.headsKv)
                .putFloat32(a + ".attention.layer_norm_rms_epsilon", 1e-5f)
                .putUint32(a + ".rope.dimension_count", headDim)
                .putFloat32(a + ".rope.freq_base", 10000f)
                .putUint32(a + ".vocab_size", n)
                .putString("tokenizer.ggml.model", "llama")
                .putStringArray("tokenizer.ggml.tokens", vocab.tokens)
                .putFloat32Array("tokenizer.ggml.scores", vocab.scores())
                .putInt32Array("tokenizer.ggml.token_type", vocab.types())
                .putUint32("tokenizer.ggml.unknown_token_id", 0)
                .putUint32("tokenizer.ggml.bos_token_id", 1)
                // ChatML ends a turn with <|im_end|>: making it the EOS token, as ChatML models do,
                // keeps llama.cpp's end-of-generation set consistent (it warns otherwise).
                .putUint32("tokenizer.ggml.eos_token_id", vocab.tokens.indexOf("<|im_end|>"))
                .putBool("tokenizer.ggml.add_bos_token", true)
                .putBool("tokenizer.ggml.add_eos_token", false)
                // Without a space prefix, re-tokenizing a reply (" help help") gives back the tokens
                // that were generated, so completion token counts are exact.
                .putBool("tokenizer.ggml.add_space_prefix", false)
                .putString("tokenizer.chat_template", CHAT_TEMPLATE)
                .putBool(GgufFile.SYNTHETIC_KEY, true)
                .putString(GgufFile.SYNTHETIC_KEY + ".size", size.label())
                .putInt64(GgufFile.SYNTHETIC_KEY + ".seed", seed)
                .putUint32(GgufFile.SYNTHETIC_KEY + ".format", FORMAT);
        if (qwen3) {
            // Optional in llama.cpp (both default to embedding / heads) but what real Qwen3 files carry.
            w.putUint32(a + ".attention.key_length", headDim);
            w.putUint32(a + ".attention.value_length", headDim);
        }
        if (!variant.byteTokens()) {
            w.putBool(BYTE_TOKENS_KEY, false);
        }

        TensorType mat = size.type;
        int[] index = {0};
        // Each tensor draws from its own stream, keyed by its position: changing one tensor's shape
        // does not reshuffle the others, and any element can be computed without the ones before.
        w.addTensor("token_embd.weight", mat, shape(d, n), uniform(seed, index[0]++, EMBEDDING_STD));
        for (int b = 0; b < size.blocks; b++) {
            String p = "blk." + b + ".";
            w.addTensor(p + "attn_norm.weight", TensorType.F32, shape(d), i -> 1f);
            w.addTensor(p + "attn_q.weight", mat, shape(d, d), uniform(seed, index[0]++, WEIGHT_STD));
            w.addTensor(p + "attn_k.weight", mat, shape(d, kvDim), uniform(seed, index[0]++, WEIGHT_STD));
            w.addTensor(p + "attn_v.weight", mat, shape(d, kvDim), uniform(seed, index[0]++, WEIGHT_STD));
            w.addTensor(p + "attn_output.weight", mat, shape(d, d), uniform(seed, index[0]++, WEIGHT_STD));
            if (qwen3) {
                // Per-head RMS norm of Q and K before RoPE: one weight per head dimension, shared by the heads.
                w.addTensor(p + "attn_q_norm.weight", TensorType.F32, shape(headDim), i -> 1f);
                w.addTensor(p + "attn_k_norm.weight", TensorType.F32, shape(headDim), i -> 1f);
            }
            w.addTensor(p + "ffn_norm.weight", TensorType.F32, shape(d), i -> 1f);
            w.addTensor(p + "ffn_gate.weight", mat, shape(d, size.feedForward), uniform(seed, index[0]++, WEIGHT_STD));
            w.addTensor(p + "ffn_up.weight", mat, shape(d, size.feedForward), uniform(seed, index[0]++, WEIGHT_STD));
            w.addTensor(p + "ffn_down.weight", mat, shape(size.feedForward, d), uniform(seed, index[0]++, WEIGHT_STD));
        }
        w.addTensor("output_norm.weight", TensorType.F32, shape(d), i -> 1f);
        TensorValues out = uniform(seed, index[0]++, (float) (LOGIT_STD / Math.sqrt(d)));
        boolean[] silent = vocab.silent();
        w.addTensor("output.weight", mat, shape(d, n), i -> silent[(int) (i / d)] ? 0f : out.at(i));
        return w;
    }

    private static long[] shape(long... dims) {
        return dims;
    }

    /**
     * Uniform values of standard deviation {@code std}, from SplitMix64 (the generator behind
     * {@link java.util.SplittableRandom}) evaluated at the element's index: reproducible on every
     * JVM and free to compute in any order.
     */
    private static TensorValues uniform(long seed, int tensor, float std) {
        long base = mix64(seed ^ mix64(0x5EED_0000L + tensor));
        float scale = (float) (std * Math.sqrt(3.0));
        return i -> {
            long bits = mix64(base + (i + 1) * 0x9E3779B97F4A7C15L);
            float u = (bits >>> 40) * 0x1p-24f; // [0, 1)
            return (2f * u - 1f) * scale;
        };
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The tokenizer vocabulary: ids 0-2 unk/bos/eos, 3-258 bytes (unless left out), then pieces,
     * then ChatML markers.
     */
    static final class Vocab {
        final List<String> tokens = new ArrayList<>();
        private final List<Float> scores = new ArrayList<>();
        private final List<Integer> types = new ArrayList<>();
        /** Pieces the model may say: whole words, single characters, whole punctuation pieces. */
        private final Set<String> whole = new LinkedHashSet<>();

        private static final String[] WORDS = {
            // function words
            "the", "a", "an", "and", "or", "but", "if", "then", "so", "because", "as", "of", "to", "in", "on",
            "at", "by", "for", "with", "about", "from", "into", "over", "after", "before", "between", "through",
            "during", "without", "under", "up", "down", "out", "off", "again", "here", "there", "when", "where",
            "why", "how", "what", "which", "who", "whom", "this", "that", "these", "those", "all", "any", "both",
            "each", "few", "more", "most", "other", "some", "such", "no", "not", "only", "own", "same", "than",
            "too", "very", "can", "will", "just", "should", "would", "could", "may", "might", "must", "shall",
            "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "do", "does", "did", "i",
            "you", "he", "she", "it", "we", "they", "me", "him", "her", "us", "them", "my", "your", "his", "its",
            "our", "their", "mine", "yours", "one", "two", "three", "first", "second", "last", "next", "also",
            "well", "now", "yes", "please", "thank", "thanks", "hello", "hi", "good", "great", "new", "old",
            "long", "little", "right", "big", "high", "different", "small", "large", "important", "able",
            // common verbs and nouns
            "make", "know", "think", "take", "see", "come", "want", "look", "use", "find", "give", "tell", "work",
            "call", "try", "ask", "need", "feel", "become", "leave", "put", "mean", "keep", "let", "begin",
            "help", "talk", "turn", "start", "show", "hear", "play", "run", "move", "like", "live", "believe",
            "bring", "happen", "write", "provide", "learn", "change", "lead", "understand", "describe", "explain",
            "time", "year", "people", "way", "day", "man", "thing", "woman", "life", "child", "world", "school",
            "state", "family", "student", "group", "country", "problem", "hand", "part", "place", "case", "week",
            "company", "system", "program", "question", "number", "night", "point", "home", "water", "room",
            "area", "money", "story", "fact", "month", "lot", "study", "book", "job", "word", "business",
            "issue", "side", "kind", "head", "house", "service", "friend", "power", "hour", "game", "line",
            "end", "member", "law", "car", "city", "name", "team", "minute", "idea", "body", "information",
            "back", "parent", "face", "level", "office", "door", "health", "person", "art", "history", "party",
            "result", "morning", "reason", "research", "moment", "air", "teacher", "force", "education",
            // interview and evaluation terms
            "interview", "candidate", "role", "position", "experience", "project", "projects", "skills", "skill",
            "answer", "answers", "reply", "feedback", "score", "topic", "topics", "technical", "behavioral",
            "situational", "design", "introduction", "clarification", "redirect", "closing", "follow",
            "challenge", "challenges", "solution", "solutions", "approach", "example", "examples", "data",
            "code", "test", "tests", "testing", "debug", "performance", "scale", "scaling", "latency", "cache",
            "database", "server", "client", "api", "service", "services", "architecture", "deploy", "cloud",
            "java", "python", "kafka", "model", "models", "tell", "walk", "share", "describe", "specific",
            "strength", "strengths", "weakness", "conflict", "deadline", "priority", "decision", "impact",
            "lesson", "learned", "goal", "goals", "career", "manager", "colleague", "customer", "requirement",
            "true", "false", "null", "user", "assistant", "system",
            // capitalised sentence starts
            "The", "I", "You", "We", "It", "This", "That", "What", "How", "Why", "When", "Where", "Can", "Could",
            "Tell", "Thank", "Thanks", "Great", "Good", "Yes", "No", "Hello", "Hi", "Please", "Let", "Describe",
            "Explain", "Walk", "Give", "Welcome", "Sure", "Interesting", "Okay",
        };

        private static final String[] PUNCTUATION = {
            "{\"", "\":", "\",", "\"}", "\":\"", "\",\"", "[\"", "\"]", "\"]}", "},", "},{", "[{", "}]", "{}", "[]",
            "▁\"", "▁{", "▁[", "▁(", "▁-", "▁1", "▁2", "▁3", "▁4", "▁5", "...", "’s", "'s", "n't", "'m", "'re",
            "'ve", "'ll", "ing", "ed", "ly", "er", "es", "tion", "▁▁", "▁▁▁▁",
        };

        static Vocab build() {
            return build(true);
        }

        static Vocab build(boolean byteTokens) {
            Vocab v = new Vocab();
            v.add("<unk>", 0f, TOKEN_UNKNOWN);
            v.add("<s>", 0f, TOKEN_CONTROL);
            v.add("</s>", 0f, TOKEN_CONTROL);
            if (byteTokens) {
                for (int b = 0; b < 256; b++) {
                    v.add(String.format("<0x%02X>", b), 0f, TOKEN_BYTE);
                }
            }
            Set<String> pieces = new LinkedHashSet<>();
            if (!byteTokens) {
                // Without <0x0A> the newline needs a piece of its own, or no ChatML prompt would
                // tokenize. Not in whole: the model does not say it.
                pieces.add("\n");
            }
            pieces.add("▁");
            for (char c = 0x21; c <= 0x7e; c++) {
                pieces.add(String.valueOf(c));
            }
            v.whole.addAll(pieces);
            for (String p : PUNCTUATION) {
                v.whole.add(p);
                // SentencePiece merges pairs of existing pieces: every prefix must be a piece too.
                for (int k = 2; k <= p.length(); k++) {
                    pieces.add(p.substring(0, k));
                }
            }
            for (String w : WORDS) {
                String word = "▁" + w;
                v.whole.add(word);
                for (int k = 2; k <= word.length(); k++) {
                    pieces.add(word.substring(0, k));
                }
            }
            int rank = 0;
            for (String p : pieces) {
                // Earlier, shorter pieces score higher, as in a trained SentencePiece model.
                v.add(p, -(++rank), TOKEN_NORMAL);
            }
            v.add("<|im_start|>", 0f, TOKEN_CONTROL);
            v.add("<|im_end|>", 0f, TOKEN_CONTROL);
            return v;
        }

        private void add(String token, float score, int type) {
            tokens.add(token);
            scores.add(score);
            types.add(type);
        }

        float[] scores() {
            float[] a = new float[scores.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = scores.get(i);
            }
            return a;
        }

        int[] types() {
            return types.stream().mapToInt(Integer::intValue).toArray();
        }

        /**
         * Tokens the model must not pick on its own: control, unknown and raw bytes (so output is
         * valid UTF-8 and never ends by itself), and word fragments (so output reads as words).
         */
        boolean[] silent() {
            boolean[] s = new boolean[types.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = types.get(i) != TOKEN_NORMAL || !whole.contains(tokens.get(i));
            }
            return s;
        }
    }
}
