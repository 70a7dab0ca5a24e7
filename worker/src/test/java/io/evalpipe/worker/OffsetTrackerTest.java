package io.evalpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    private static final TopicPartition P0 = new TopicPartition("jobs", 0);
    private static final TopicPartition P1 = new TopicPartition("jobs", 1);
    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void shouldCommitTheOffsetAfterAFinishedJob() {
        tracker.started(P0, 5);
        assertThat(tracker.takeCommittable()).isEmpty();

        tracker.done(P0, 5);

        assertThat(tracker.takeCommittable()).containsEntry(P0, new OffsetAndMetadata(6));
        assertThat(tracker.takeCommittable()).as("nothing new to commit").isEmpty();
    }

    @Test
    void shouldNotCommitPastAJobStillRunning() {
        tracker.started(P0, 5);
        tracker.started(P0, 6);
        tracker.started(P0, 7);
        tracker.done(P0, 7);
        tracker.done(P0, 6);

        assertThat(tracker.takeCommittable()).containsEntry(P0, new OffsetAndMetadata(5));
        assertThat(tracker.inFlightCount()).isEqualTo(1);

        tracker.done(P0, 5);
        assertThat(tracker.takeCommittable()).containsEntry(P0, new OffsetAndMetadata(8));
    }

    @Test
    void shouldTrackPartitionsIndependently() {
        tracker.started(P0, 1);
        tracker.started(P1, 10);
        tracker.done(P1, 10);

        assertThat(tracker.takeCommittable()).containsOnlyKeys(P1).containsEntry(P1, new OffsetAndMetadata(11));
        assertThat(tracker.inFlightCount()).isEqualTo(1);
    }

    @Test
    void shouldForgetARevokedPartitionAndIgnoreItsLateCompletions() {
        tracker.started(P0, 3);
        tracker.forget(P0);
        tracker.done(P0, 3);

        assertThat(tracker.takeCommittable()).isEmpty();
        assertThat(tracker.inFlightCount()).isZero();
    }
}
