package io.evalpipe.bench;

import io.evalpipe.launch.CliException;
import io.evalpipe.launch.DefaultModel;
import io.evalpipe.launch.ExitCode;
import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.producer.Prompt;
import io.evalpipe.producer.PromptFileException;
import io.evalpipe.producer.PromptSet;
import io.evalpipe.producer.PromptSetReader;
import io.evalpipe.models.SyntheticModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** What every benchmark shares: statistics, the table, the machine and load lines, models, prompts, child JVMs. */
final class Bench {
    private Bench() {}

    /** Median, min and max of N repetitions: a benchmark reports a spread, never a single number. */
    record Stats(int n, double median, double min, double max) {
        static Stats of(List<Double> values) {
            if (values.isEmpty()) {
                return new Stats(0, Double.NaN, Double.NaN, Double.NaN);
            }
            double[] x = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int m = x.length / 2;
            double median = x.length % 2 == 1 ? x[m] : (x[m - 1] + x[m]) / 2;
            return new Stats(x.length, median, x[0], x[x.length - 1]);
        }
    }

    /** A plain, aligned text table: one row per measured figure. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table() {
            rows.add(new String[] {"figure", "N", "median", "min", "max", "unit"});
        }

        Table add(String figure, Stats s, String unit) {
            rows.add(new String[] {figure, String.valueOf(s.n()), num(s.median()), num(s.min()), num(s.max()), unit});
            return this;
        }

        void print(PrintStream out) {
            int[] width = new int[rows.get(0).length];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    width[i] = Math.max(width[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    // Text left-aligned, numbers right-aligned, as a reader scans them.
                    String cell = i == 0 || i == row.length - 1 ? pad(row[i], width[i], false) : pad(row[i], width[i], true);
                    line.append(i == 0 ? "" : "  ").append(cell);
                }
                out.println(line.toString().stripTrailing());
            }
        }

        private static String pad(String s, int width, boolean right) {
            String fill = " ".repeat(width - s.length());
            return right ? fill + s : s + fill;
        }
    }

    /** Three significant digits or so, enough for figures whose spread is a few percent. */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        String f = a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, f, v);
    }

    /** The machine a figure was measured on; figures from different machines do not compare. */
    static String machine() {
        return String.format(Locale.ROOT, "%d cores (%s), %s, %s %s, %s %s, max heap %d MB",
                Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("os.arch"),
                System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                Runtime.getRuntime().maxMemory() >> 20);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("cpu unknown");
        } catch (IOException | RuntimeException e) {
            return "cpu unknown";
        }
    }

    /**
     * The 1, 5 and 15 minute load averages. Other processes on the machine take cores from the
     * benchmark, so every figure is printed beside the load it was measured under.
     */
    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static void header(PrintStream out, String title) {
        out.println("== evalctl bench " + title + " ==");
        out.println("machine: " + machine());
        out.println("load average (1/5/15 min) at start: " + load());
    }

    static void footer(PrintStream out) {
        out.println("load average (1/5/15 min) at end:   " + load());
    }

    /** This process's resident set (VmRSS), in bytes; -1 where /proc is missing. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: reported as unknown
        }
        return -1;
    }

    static String mb(long bytes) {
        return bytes < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }

    static SyntheticModel.Size size(String name) {
        return switch (name) {
            case "tiny" -> SyntheticModel.Size.TINY;
            case "small" -> SyntheticModel.Size.SMALL;
            default -> throw new CliException(ExitCode.USAGE, "--size must be tiny or small, got '" + name + "'");
        };
    }

    /** The given model, or the synthetic one of that size, generated once into the cache folder `run` uses. */
    static Path model(Path given, String size) {
        if (given != null) {
            if (!Files.isRegularFile(given)) {
                throw new CliException(ExitCode.INFRASTRUCTURE, "model file " + given + " does not exist");
            }
            return given;
        }
        // The same file as `run`'s default model, so the tiny one is shared with it.
        return DefaultModel.synthetic(size(size));
    }

    /**
     * The prompt file with every prompt's own params dropped: the benchmark's params apply to all,
     * so every request asks for the same work (the 200-prompt set has prompts that raise max
     * tokens or sample at temperature 0.7).
     */
    static PromptSet prompts(Path file) {
        try {
            PromptSet set = PromptSetReader.read(file);
            List<Prompt> plain = set.prompts().stream().map(p -> new Prompt(p.id(), p.messages(), GenerationParams.NONE)).toList();
            return new PromptSet(set.name(), set.source(), set.sha256(), plain);
        } catch (PromptFileException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), e);
        }
    }

    /** {@code n} one-line questions, distinct so that no two requests share more than a few tokens. */
    static List<Prompt> shortPrompts(int n) {
        List<Prompt> prompts = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            prompts.add(new Prompt(String.format("J-%06d", i), List.of(new ChatMessage("user", "Question " + i + ": tell me about yourself.")), null));
        }
        return prompts;
    }

    static PromptSet first(PromptSet set, int n) {
        return new PromptSet(set.name(), set.source(), set.sha256(), set.prompts().subList(0, Math.min(n, set.prompts().size())));
    }

    /** Greedy (temperature 0) with the given max tokens; everything else the pipeline's defaults. */
    static GenerationParams params(int maxTokens) {
        return GenerationParams.DEFAULTS.overriddenBy(new GenerationParams(maxTokens, 0.0, null, null, null, null, null, null, null));
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static void checkRepeat(int repeat) {
        if (repeat < 1) {
            throw new CliException(ExitCode.USAGE, "--repeat must be at least 1");
        }
    }

    /**
     * Runs {@code evalctl ARGS} in a fresh JVM with this JVM's class path (the shaded jar when run
     * by ./evalctl), so that it can load its own model: one model per process. Its log goes to our
     * stderr; returns the stdout lines that start with {@code prefix}.
     */
    static List<String> child(String prefix, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.evalpipe.cli.EvalCtl"));
        command.addAll(args);
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith(prefix)) {
                        lines.add(line.substring(prefix.length()).trim());
                    }
                }
            }
            if (!p.waitFor(1, TimeUnit.HOURS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new CliException(ExitCode.INFRASTRUCTURE, "child benchmark failed: " + String.join(" ", args));
            }
            return lines;
        } catch (IOException e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, "cannot start a child JVM: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.INFRASTRUCTURE, "interrupted");
        }
    }

    /** "1,2,4,8" to a list of positive ints. */
    static List<Integer> ints(String csv, String option) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            try {
                int v = Integer.parseInt(s.trim());
                if (v < 1) {
                    throw new NumberFormatException();
                }
                out.add(v);
            } catch (NumberFormatException e) {
                throw new CliException(ExitCode.USAGE, option + " must be a comma-separated list of positive integers, got '" + csv + "'");
            }
        }
        return out;
    }
}
