package io.evalpipe.worker.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which llama.cpp library the in-process engine loads: a folder given with {@code --native-lib}, else a
 * build for this CPU in the evalpipe cache (what {@code scripts/build-native-jllama.sh} installs), else
 * the generic one in the binding's jar.
 *
 * <p>Why: the jar's library is a generic AVX2 build; on a CPU with AVX-512 or AMX a build from the same
 * sources for the host ran prompt processing about twice as fast (BENCHMARKS.md, engines). A cached
 * build is used only when it was made for this machine's kind of CPU: every instruction-set flag its
 * {@code build-info.properties} records ({@code cpu.flags}) must be one this CPU has, or the worker
 * would die of an illegal instruction on a machine older than the one that built it (a shared home
 * folder, a copied cache). It must also be of the binding version on the classpath, whose Java side it
 * implements.
 *
 * @param folder      the folder holding {@code libjllama.so}, or null for the jar's own library
 * @param description for lineage and the log: which library, and what it was built for
 */
public record NativeLibrary(Path folder, String description) {

    /** The name {@code --native-lib} takes to insist on the jar's own library. */
    public static final String BUNDLED = "bundled";
    static final String BUILD_INFO = "build-info.properties";
    private static final String BUNDLED_DESCRIPTION = "bundled generic build (AVX2)";

    public boolean bundled() {
        return folder == null;
    }

    /** The evalpipe cache: {@code $EVALPIPE_CACHE}, else {@code ~/.cache/evalpipe}. */
    public static Path cacheRoot(Map<String, String> env) {
        String override = env.get("EVALPIPE_CACHE");
        return override != null && !override.isBlank() ? Path.of(override)
                : Path.of(System.getProperty("user.home"), ".cache", "evalpipe");
    }

    /**
     * @param explicit        {@code --native-lib}: a folder, {@link #BUNDLED}, or null to choose
     * @param bindingVersion  the de.kherud:llama version on the classpath
     * @param cpuFlags        this CPU's flags ({@link #cpuFlags()})
     */
    public static NativeLibrary choose(String explicit, Path cacheRoot, String bindingVersion, Set<String> cpuFlags) {
        if (BUNDLED.equals(explicit)) {
            return new NativeLibrary(null, BUNDLED_DESCRIPTION);
        }
        if (explicit != null) {
            Path folder = Path.of(explicit).toAbsolutePath();
            return new NativeLibrary(folder, describe(folder, readInfo(folder).orElse(null)));
        }
        return cachedBuilds(cacheRoot)
                .filter(info -> bindingVersion != null && bindingVersion.equals(info.getProperty("java-llama.cpp.version")))
                .filter(info -> "cpu".equals(info.getProperty("variant")))
                .filter(info -> osArch().equals(info.getProperty("os.arch")))
                .filter(info -> cpuFlags.containsAll(words(info.getProperty("cpu.flags", ""))))
                .max(Comparator.comparing(info -> info.getProperty("build.date", "")))
                .map(info -> {
                    Path folder = Path.of(info.getProperty("folder"));
                    return new NativeLibrary(folder, describe(folder, info));
                })
                .orElse(new NativeLibrary(null, BUNDLED_DESCRIPTION));
    }

    /** The flags of this machine's CPU, from /proc/cpuinfo; empty where there is none. */
    public static Set<String> cpuFlags() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("flags")).findFirst()
                    .map(l -> words(l.substring(l.indexOf(':') + 1))).orElse(Set.of());
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }

    /** True when this CPU has instructions the jar's generic AVX2 build leaves unused. */
    public static boolean cpuOutgrowsBundled(Set<String> cpuFlags) {
        return cpuFlags.contains("avx512f") || cpuFlags.contains("amx_tile") || cpuFlags.contains("avx_vnni");
    }

    private static Stream<Properties> cachedBuilds(Path cacheRoot) {
        Path dir = cacheRoot.resolve("native");
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Stream.empty();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            List<Path> folders = entries.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
            return folders.stream()
                    .filter(f -> Files.isRegularFile(f.resolve("libjllama.so")))
                    .map(f -> readInfo(f).map(info -> {
                        info.setProperty("folder", f.toAbsolutePath().toString());
                        return info;
                    }))
                    .flatMap(Optional::stream);
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    private static Optional<Properties> readInfo(Path folder) {
        Path file = folder.resolve(BUILD_INFO);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file)) {
            Properties p = new Properties();
            p.load(in);
            return Optional.of(p);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String describe(Path folder, Properties info) {
        if (info == null) {
            return "native library from " + folder;
        }
        String march = info.getProperty("gcc.march.native", "");
        return "native build " + info.getProperty("build.id", folder.getFileName().toString())
                + " (" + ("ON".equals(info.getProperty("ggml.native")) ? "GGML_NATIVE=ON" : "GGML_NATIVE=OFF")
                + (march.isEmpty() ? "" : ", -march=" + march) + ", " + info.getProperty("compiler", "compiler unknown") + ")";
    }

    /** The Linux name of the JVM's architecture, as the build script records it. */
    private static String osArch() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
    }

    private static Set<String> words(String s) {
        return new HashSet<>(Arrays.asList(s.trim().split("\\s+"))).stream().filter(w -> !w.isEmpty())
                .collect(java.util.stream.Collectors.toSet());
    }
}
