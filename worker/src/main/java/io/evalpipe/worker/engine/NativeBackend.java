package io.evalpipe.worker.engine;

import de.kherud.llama.LlamaModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    private static final byte[] CUDA_MARKER = "ggml_backend_cuda_init".getBytes(StandardCharsets.US_ASCII);

    /**
     * The llama.cpp build each binding release bundles (its README and release notes name it); the
     * binding itself has no call that says. scripts/build-cuda-jllama.sh builds the same pairing.
     */
    private static final Map<String, String> LLAMA_CPP_BUILD = Map.of("4.2.0", "b4916");

    private NativeBackend() {}

    /**
     * For lineage: {@code de.kherud:llama 4.2.0 (llama.cpp b4916)}, plus the native folder when one
     * replaces the jar's library; the binding's version is read from its jar's Maven metadata.
     */
    public static String build() {
        String version = bindingVersion();
        String llamaCpp = version == null ? null : LLAMA_CPP_BUILD.get(version);
        String libPath = System.getProperty(LIB_PATH_PROPERTY);
        return "de.kherud:llama " + (version == null ? "(version unknown)" : version)
                + " (llama.cpp " + (llamaCpp == null ? "build unknown" : llamaCpp) + ")"
                + (libPath == null ? "" : ", native library from " + libPath);
    }

    private static String bindingVersion() {
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
