package io.evalpipe.worker.engine;

import java.util.Locale;

/** Why a generation ended. */
public enum FinishReason {
    /** End of sequence, or a stop string. */
    STOP,
    /** Max tokens reached: the reply is cut. */
    LENGTH,
    /** The request's timeout cancelled generation; the text is what came before. */
    TIMEOUT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
