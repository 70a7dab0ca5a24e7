package io.evalpipe.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a file through a temporary file beside it, moved over the final name, so that a reader
 * never sees half a file and a report written again replaces the previous one whole. The temporary
 * file is created as any file is, so the report gets the mode the umask gives (0644 under 022):
 * {@code Files.createTempFile} would make it 0600, readable by its owner only.
 */
public final class AtomicFiles {

    private static final Logger log = LoggerFactory.getLogger(AtomicFiles.class);
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    @FunctionalInterface
    public interface Content {
        void writeTo(Writer out) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * UTF-8, with a lone surrogate (text from a result can hold one: JSON on the wire may escape half
     * a pair) written as U+FFFD: {@code Files.newBufferedWriter} would refuse it, and one reply would
     * then cost the run its whole report. The temporary file is removed whatever happens.
     */
    public static void write(Path target, Content content) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + "-" + Long.toHexString(RANDOM.nextLong()) + ".tmp");
        try {
            try (Writer out = new BufferedWriter(new OutputStreamWriter(
                    Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), encoder()))) {
                content.writeTo(out);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                log.debug("Atomic move not supported for {}; replacing it non-atomically", target);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static CharsetEncoder encoder() {
        return StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .replaceWith("\uFFFD".getBytes(StandardCharsets.UTF_8));
    }
}
