package io.evalpipe.contracts;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The verdict on one prompt. */
public enum ResultStatus {
    /** The reply is valid JSON, satisfies the interview_chat schema and every assertion of its job. */
    PASS,
    /** There is a reply, but it fails validation or an assertion. */
    FAIL,
    /** No usable reply: the engine failed, timed out, or the job could not be run. */
    ERROR;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
