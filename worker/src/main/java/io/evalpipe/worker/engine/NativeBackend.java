package io.evalpipe.worker.engine;

import de.kherud.llama.LlamaModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Which ggml backend the llama.cpp library in use was built with. The binding cannot say, and a
 * worker asked for a GPU must not run on the CPU silently (its timings would be misread as GPU
 * timings). The stock de.kherud:llama jar is CPU-only on Linux; a CUDA build is a folder of native
 * libraries named by the {@code de.kherud.llama.lib.path} system property.
 */
public final class NativeBackend {
    /** Property the binding reads to load its native library from a folder instead of the jar. */
    public static final String LIB_PATH_PROPERTY = "de.kherud.llama.lib.path";
    /** Property naming the folder the binding extracts its bundled native library into. */
    static final String EXTRACT_DIR_PROPERTY = "de.kherud.llama.tmpdir";
    private static final String EXTRACT_DIR_PREFIX = "evalpipe-jllama-";
    private static final byte[] CUDA_MARKER = "ggml_backend_cuda_init".getBytes(StandardCharsets.US_ASCII);

    /**
     * The llama.cpp build each binding release bundles (its README and release notes name it); the
     * binding itself has no call that says. scripts/build-native-jllama.sh builds the same pairing.
     */
    private static final Map<String, String> LLAMA_CPP_BUILD = Map.of("4.2.0", "b4916");

    private NativeBackend() {}

    /**
     * For lineage: {@code de.kherud:llama 4.2.0 (llama.cpp b4916), bundled generic build (AVX2)}, or the
     * native build that replaced the jar's library; the binding's version is read from its jar's Maven
     * metadata.
     */
    public static String build(NativeLibrary library) {
        String version = bindingVersion();
        String llamaCpp = version == null ? null : LLAMA_CPP_BUILD.get(version);
        return "de.kherud:llama " + (version == null ? "(version unknown)" : version)
                + " (llama.cpp " + (llamaCpp == null ? "build unknown" : llamaCpp) + "), " + library.description();
    }

    /** The library the binding will load (or has loaded): the folder named by {@link #LIB_PATH_PROPERTY}, else the jar's. */
    static NativeLibrary configured() {
        String libPath = System.getProperty(LIB_PATH_PROPERTY);
        return libPath == null ? NativeLibrary.choose(NativeLibrary.BUNDLED, null, null, java.util.Set.of())
                : NativeLibrary.choose(libPath, null, null, java.util.Set.of());
    }

    /**
     * Makes the binding load {@code library} when it first loads native code. Once it has loaded a library it
     * keeps it for the life of the JVM; asking for another then fails here rather than silently running the old one.
     */
    static synchronized void use(NativeLibrary library) {
        String wanted = library.bundled() ? null : library.folder().toString();
        String current = System.getProperty(LIB_PATH_PROPERTY);
        if (java.util.Objects.equals(wanted, current)) {
            return;
        }
        if (loaded) {
            throw new IllegalStateException("this process has loaded llama.cpp from " + (current == null ? "the jar" : current)
                    + " already and cannot switch to " + library.description());
        }
        if (wanted == null) {
            System.clearProperty(LIB_PATH_PROPERTY);
        } else {
            System.setProperty(LIB_PATH_PROPERTY, wanted);
        }
    }

    /**
     * Checks that the library the binding mapped is the one asked for. The binding falls back to the
     * jar's own library, with a line on stderr and nothing else, when a folder's library is missing or
     * does not load; a run that meant to measure a native build must not measure the generic one.
     * Skipped where /proc/self/maps does not exist (not Linux).
     *
     * @throws IllegalStateException naming the library that was loaded instead
     */
    static void verifyLoaded(NativeLibrary library) {
        List<String> mapped;
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            mapped = lines.filter(l -> l.endsWith("/libjllama.so")).map(l -> l.substring(l.indexOf('/'))).distinct().toList();
        } catch (IOException | RuntimeException e) {
            return;
        }
        if (library.bundled() || mapped.isEmpty()) {
            return;
        }
        Path wanted = library.folder().resolve("libjllama.so").toAbsolutePath().normalize();
        if (mapped.stream().noneMatch(m -> Path.of(m).normalize().equals(wanted))) {
            throw new IllegalStateException("llama.cpp was to run from " + wanted + " (" + library.description()
                    + ") but the binding loaded " + String.join(", ", mapped)
                    + ": it falls back to the jar's library when the folder's does not load (its reason is on stderr above)");
        }
    }

    /** Set once a model has been loaded, i.e. the binding has loaded its native library. */
    static volatile boolean loaded;

    /** The binding's version on the classpath, e.g. {@code 4.2.0}; null where its jar does not say. */
    public static String bindingVersion() {
        try (InputStream in = LlamaModel.class.getResourceAsStream("/META-INF/maven/de.kherud/llama/pom.properties")) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Gives this process a folder of its own to extract the binding's native library into, unless one
     * is set. The binding extracts to one fixed name in java.io.tmpdir, deleting what it finds there
     * first, so two workers starting at once on one host could map a file the other was still writing:
     * the JVM then dies of SIGBUS in the dynamic loader.
     *
     * <p>The folder is {@code jllama-<pid>} inside {@code evalpipe-<user>}, a folder of this user's
     * alone (0700) in java.io.tmpdir, so that no other user can plant or read anything there; the
     * folders of ended processes are removed from it at the next start. Should that folder not be this
     * user's own private folder (someone made it first, or it is a link), a fresh private folder is
     * used instead, and nothing is cleaned.
     */
    static synchronized void useOwnExtractFolder() {
        if (System.getProperty(EXTRACT_DIR_PROPERTY) != null) {
            return;
        }
        Path own = ownExtractFolder(Path.of(System.getProperty("java.io.tmpdir")), ProcessHandle.current().pid());
        // At exit, Ctrl-C included. Deleting a mapped library is harmless on Linux: the mapping stays until the process ends.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteLibraryFolder(own), "jllama-cleanup"));
        System.setProperty(EXTRACT_DIR_PROPERTY, own.toString());
    }

    /** The folder for process {@code pid}, made owner-only, after cleaning up those of ended processes. */
    static Path ownExtractFolder(Path tmp, long pid) {
        try {
            Path parent = privateFolder(tmp);
            if (parent == null) {
                return Files.createTempDirectory(tmp, EXTRACT_DIR_PREFIX);
            }
            removeFoldersOfEndedProcesses(parent);
            Path own = parent.resolve("jllama-" + pid);
            if (Files.isDirectory(own, LinkOption.NOFOLLOW_LINKS)) {
                deleteLibraryFolder(own); // a folder of an earlier process that had this pid
            }
            return Files.createDirectory(own, OWNER_ONLY);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a folder in " + tmp + " to extract the llama.cpp library into: " + e, e);
        }
    }

    /** {@code tmp/evalpipe-<user>}, created 0700, or null when it exists and is not this user's private folder. */
    static Path privateFolder(Path tmp) throws IOException {
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        Path folder = tmp.resolve("evalpipe-" + user);
        try {
            Files.createDirectory(folder, OWNER_ONLY);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // checked below
        }
        boolean ours = Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)
                && !Files.isSymbolicLink(folder)
                && Files.getOwner(folder, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"))
                && Files.getPosixFilePermissions(folder, LinkOption.NOFOLLOW_LINKS).equals(PosixFilePermissions.fromString("rwx------"));
        return ours ? folder : null;
    }

    /** Removes the {@code jllama-<pid>} folders of ended processes; never follows a link, never deletes anything but the library. */
    static void removeFoldersOfEndedProcesses(Path parent) {
        try (Stream<Path> entries = Files.list(parent)) {
            entries.filter(p -> p.getFileName().toString().matches("jllama-\\d+"))
                    .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> processEnded(p.getFileName().toString().substring("jllama-".length())))
                    .forEach(NativeBackend::deleteLibraryFolder);
        } catch (IOException e) {
            // Leftovers cost disk, not correctness.
        }
    }

    private static boolean processEnded(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(h -> !h.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Deletes a folder that holds nothing but the extracted library as a plain file; any other folder stays. */
    private static void deleteLibraryFolder(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> inside = files.toList();
            boolean onlyLibrary = inside.stream().allMatch(f -> f.getFileName().toString().equals("libjllama.so")
                    && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS));
            if (!onlyLibrary) {
                return;
            }
            for (Path f : inside) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            // Another process may be removing it at the same time.
        }
    }

    private static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    /** {@code cuda} when the configured native folder holds a CUDA-enabled ggml, else {@code cpu}. */
    public static String detect() {
        String libPath = System.getProperty(LIB_PATH_PROPERTY);
        return libPath == null ? "cpu" : detect(Path.of(libPath));
    }

    static String detect(Path folder) {
        if (!Files.isDirectory(folder)) {
            return "cpu";
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> libraries = files.filter(p -> p.getFileName().toString().contains(".so")).toList();
            for (Path lib : libraries) {
                if (contains(lib, CUDA_MARKER)) {
                    return "cuda";
                }
            }
        } catch (IOException e) {
            return "cpu";
        }
        return "cpu";
    }

    /** Streams the file, so a 500 MB CUDA library is never held in memory whole. */
    static boolean contains(Path file, byte[] needle) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int matched = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == needle[matched]) {
                        if (++matched == needle.length) {
                            return true;
                        }
                    } else {
                        matched = buffer[i] == needle[0] ? 1 : 0;
                    }
                }
            }
        }
        return false;
    }
}
