package io.evalpipe.contracts;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The verdict on one prompt. */
public enum ResultStatus {
    /** The reply is valid JSON and satisfies the interview_chat schema. */
    PASS,
    /** There is a reply, but it fails validation. */
    FAIL,
    /** No usable reply: the engine failed, timed out, or the job could not be run. */
    ERROR;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
