package io.evalpipe.scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Waits on the wall clock, in steps of at most a minute, so that a suspended host or a clock change is noticed. */
public final class WallClockTicker implements Ticker {
    private static final Duration STEP = Duration.ofMinutes(1);

    private final Clock clock;
    private final CountDownLatch stopped = new CountDownLatch(1);

    public WallClockTicker(Clock clock) {
        this.clock = clock;
    }

    @Override
    public boolean awaitUntil(Instant at) throws InterruptedException {
        while (stopped.getCount() > 0) {
            Duration left = Duration.between(clock.instant(), at);
            if (left.isNegative() || left.isZero()) {
                return true;
            }
            Duration wait = left.compareTo(STEP) < 0 ? left : STEP;
            if (stopped.await(wait.toMillis() + 1, TimeUnit.MILLISECONDS)) {
                return false;
            }
        }
        return false;
    }

    @Override
    public void stop() {
        stopped.countDown();
    }
}
