package io.evalpipe.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The child-process side of a model sweep, on small shell commands instead of a worker. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class WorkerProcessTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadVmHwmInBytes() {
        String status = "Name:\tjava\nVmPeak:\t 9000 kB\nVmHWM:\t  123456 kB\nVmRSS:\t  100000 kB\n";

        assertThat(WorkerProcess.peakRssBytes(status)).isEqualTo(123_456L * 1024);
        assertThat(WorkerProcess.peakRssBytes("Name:\tkthreadd\n")).as("a kernel thread has none").isNull();
    }

    @Test
    void shouldSayWhyAWorkerThatFailedToLoadItsModelExited() throws Exception {
        Path log = dir.resolve("w.log");
        try (WorkerProcess p = WorkerProcess.start(List.of("sh", "-c",
                "echo 'INFO loading'; echo 'evalctl: cannot load model x.gguf: out of memory'; echo 'bye'; exit 3"), log)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !p.isAlive());

            assertThat(p.exitCode()).isEqualTo(3);
            assertThat(p.lastErrorLine()).isEqualTo("evalctl: cannot load model x.gguf: out of memory");
            assertThat(p.peakRssBytes()).as("an exited process has no /proc entry").isNull();
            assertThat(p.logFile()).isEqualTo(log);
        }
    }

    @Test
    void shouldStopARunningProcessWithSigtermAndReadItsPeakRssWhileItRuns() throws Exception {
        Path marker = dir.resolve("terminated");
        WorkerProcess p = WorkerProcess.start(List.of("sh", "-c",
                "trap 'touch " + marker + "; exit 0' TERM; while true; do sleep 0.1; done"), dir.resolve("w.log"));
        assertThat(p.isAlive()).isTrue();
        assertThat(p.exitCode()).isNull();
        if (Files.isDirectory(Path.of("/proc/self"))) {
            assertThat(p.peakRssBytes()).isPositive();
        }

        p.close();

        assertThat(p.isAlive()).isFalse();
        assertThat(marker).as("SIGTERM, not SIGKILL: the worker gets to hand its jobs back").exists();
    }
}
