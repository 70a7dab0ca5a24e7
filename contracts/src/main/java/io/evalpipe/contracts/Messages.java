package io.evalpipe.contracts;

import org.apache.kafka.common.serialization.Serde;

/** The serde of every message type, and the wire schema version they carry. */
public final class Messages {

    /** Bumped when a field changes meaning; readers reject versions they do not know. */
    public static final int SCHEMA_VERSION = 1;

    public static final Serde<RunManifest> MANIFEST = new JsonSerde<>(RunManifest.class);
    public static final Serde<Job> JOB = new JsonSerde<>(Job.class);
    public static final Serde<EvalResult> RESULT = new JsonSerde<>(EvalResult.class);
    public static final Serde<RunSummary> SUMMARY = new JsonSerde<>(RunSummary.class);
    public static final Serde<Approval> APPROVAL = new JsonSerde<>(Approval.class);
    public static final Serde<Attempt> ATTEMPT = new JsonSerde<>(Attempt.class);

    private Messages() {}
}
