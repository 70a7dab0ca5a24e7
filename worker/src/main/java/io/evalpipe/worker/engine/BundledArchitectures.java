package io.evalpipe.worker.engine;

import io.evalpipe.models.GgufFile;
import io.evalpipe.models.ModelFileException;
import java.util.Set;

/**
 * The model architectures the in-process llama.cpp knows: those of build b4916, which de.kherud:llama
 * 4.2.0 bundles and which {@code scripts/build-native-jllama.sh} builds for the host CPU. Copied from
 * {@code LLM_ARCH_NAMES} in that build's src/llama-arch.cpp (BundledArchitecturesTest compares the two
 * when the source tarball is at hand).
 *
 * <p>Why it is checked in Java: llama.cpp refuses an unknown architecture only after the native library
 * is loaded, with a generic "failed to load model"; a model released since March 2025 (Qwen3, Llama 4,
 * Gemma 3n, GPT-OSS) is then a mystery. Read from the GGUF header first, it is one line that names the
 * architecture and the engine that runs it.
 */
public final class BundledArchitectures {

    /** The llama.cpp build the list belongs to. */
    public static final String BUILD = "b4916";

    static final Set<String> NAMES = Set.of(
            "llama", "deci", "falcon", "grok", "gpt2", "gptj", "gptneox", "mpt", "baichuan", "starcoder", "refact",
            "bert", "nomic-bert", "jina-bert-v2", "bloom", "stablelm", "qwen", "qwen2", "qwen2moe", "qwen2vl", "phi2",
            "phi3", "phimoe", "plamo", "codeshell", "orion", "internlm2", "minicpm", "minicpm3", "gemma", "gemma2",
            "gemma3", "starcoder2", "mamba", "xverse", "command-r", "cohere2", "dbrx", "olmo", "olmo2", "olmoe",
            "openelm", "arctic", "deepseek", "deepseek2", "chatglm", "bitnet", "t5", "t5encoder", "jais", "nemotron",
            "exaone", "rwkv6", "rwkv6qwen2", "rwkv7", "arwkv7", "granite", "granitemoe", "chameleon",
            "wavtokenizer-dec");

    private BundledArchitectures() {}

    public static boolean knows(String architecture) {
        return NAMES.contains(architecture);
    }

    /**
     * @throws ModelFileException naming the architecture, the bundled build and {@code --engine
     *     llama-server} when the in-process llama.cpp cannot run this model
     */
    public static void check(GgufFile file) {
        String arch = file.architecture();
        if (!knows(arch)) {
            throw new ModelFileException(file.path(), "has architecture '" + arch + "', which the in-process llama.cpp ("
                    + BUILD + ", March 2025) does not know; run it with --engine llama-server (a current llama.cpp build)");
        }
    }
}
