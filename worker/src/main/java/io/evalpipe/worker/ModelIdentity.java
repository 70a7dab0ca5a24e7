package io.evalpipe.worker;

import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.models.GgufFile;
import io.evalpipe.models.ModelFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Names a model file by its content, so reports from different machines can be compared. */
public final class ModelIdentity {
    private ModelIdentity() {}

    /** Reads the whole file once (seconds for a multi-GB model): call it at start, not per job. */
    public static ModelInfo of(Path model) {
        GgufFile gguf = GgufFile.read(model);
        try (InputStream in = Files.newInputStream(model)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            String sha = HexFormat.of().formatHex(digest.digest());
            return new ModelInfo(model.getFileName().toString(), sha, Files.size(model), gguf.isSynthetic());
        } catch (IOException e) {
            throw new ModelFileException(model, "cannot read: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
