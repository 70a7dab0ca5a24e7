package io.evalpipe.worker.engine.llamaserver;

import io.evalpipe.worker.engine.LlamaCppOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The llama-server command line for a worker's options, so that {@code --threads}, {@code --cpu-range},
 * {@code --parallel}, {@code --ctx-size}, {@code --flash-attn}, {@code --device} and the GPU options mean
 * on this engine what they mean in-process (flag names from llama.cpp b10573's common/arg.cpp).
 *
 * <p>Every setting that llama-server would otherwise decide for itself is stated: its defaults have
 * changed between builds (flash attention went to {@code auto}, a unified KV cache is the default when
 * the slot count is automatic, {@code --fit} may shrink unset options to fit memory), and a run must
 * mean the same on every machine. Nothing secret is on the command line, which other users can read:
 * the API key goes in the environment.
 */
final class ServerArguments {

    private ServerArguments() {}

    static List<String> of(Path model, LlamaCppOptions o, int port) {
        List<String> a = new ArrayList<>();
        add(a, "--model", model.toAbsolutePath().toString());
        // Loopback only, on a port picked for this start: nothing else on the host can reach it.
        add(a, "--host", "127.0.0.1");
        add(a, "--port", String.valueOf(port));
        add(a, "--threads", String.valueOf(o.threads()));
        add(a, "--threads-batch", String.valueOf(o.threads()));
        // The in-process engine gives llama.cpp contextSize per slot, in one cache split evenly between
        // the slots: the same here, with the split stated rather than left to the default.
        add(a, "--parallel", String.valueOf(o.parallel()));
        add(a, "--ctx-size", String.valueOf((long) o.contextSize() * o.parallel()));
        a.add("--no-kv-unified");
        add(a, "--flash-attn", o.flashAttention() ? "on" : "off");
        add(a, "--fit", "off");
        if (!o.promptCache()) {
            // Both caches: the slot's own prefix, and the RAM cache shared between slots.
            a.add("--no-cache-prompt");
            add(a, "--cache-ram", "0");
        }
        if (o.cpuRange() != null) {
            // Strict placement, for generation and for prompt batches, as LlamaCppEngine pins them.
            add(a, "--cpu-range", o.cpuRange());
            add(a, "--cpu-strict", "1");
            add(a, "--cpu-range-batch", o.cpuRange());
            add(a, "--cpu-strict-batch", "1");
        }
        if ("gpu".equals(o.device())) {
            add(a, "--gpu-layers", String.valueOf(o.gpuLayers()));
            if (o.mainGpu() != null) {
                add(a, "--main-gpu", String.valueOf(o.mainGpu()));
            }
            if (o.devices() != null) {
                add(a, "--device", o.devices());
            }
        } else {
            // A CUDA build offloads every layer by default: --device cpu must mean the CPU. (No --gpu-layers:
            // a CPU build warns about it, and with no device there is nothing to offload to.)
            add(a, "--device", "none");
        }
        // The worker renders nothing itself: the server applies the model's own chat template with Jinja.
        a.add("--jinja");
        a.add("--no-webui");
        a.add("--offline"); // never download anything: the model is a local file
        add(a, "--log-colors", "off");
        return a;
    }

    private static void add(List<String> args, String flag, String value) {
        args.add(flag);
        args.add(value);
    }
}
