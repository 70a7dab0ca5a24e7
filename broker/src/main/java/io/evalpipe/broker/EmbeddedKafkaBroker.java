package io.evalpipe.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker in KRaft mode (combined broker + controller), run in this JVM.
 *
 * <p>Used by {@code evalctl run} for one-machine runs and by every integration test. The broker listens on
 * 127.0.0.1 only. {@link #start()} uses a fresh temporary data directory that {@link #close()} deletes;
 * {@link #start(Path, int)} keeps its data in a caller-owned directory so a test can stop a broker and start
 * another one on the same data and port.
 *
 * <p>Startup problems this class can see coming (client port in use, data dir used by another broker, bad data
 * dir) throw {@link EmbeddedKafkaException} before Kafka starts. Note that Kafka itself still halts the JVM
 * ({@code Exit.halt(1)}) on the faults it treats as fatal for a controller (e.g. controller startup failure or a
 * corrupt metadata log), as a standalone Kafka process would.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final int NODE_ID = 1;
    private static final String HOST = "127.0.0.1";
    private static final String CLIENT_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** Written by the formatter into every formatted log dir; its presence means "reuse as is". */
    private static final String META_PROPERTIES = "meta.properties";
    /** Upper bound for the broker to start and answer a client; a healthy start takes a few seconds. */
    private static final long STARTUP_TIMEOUT_MS = 60_000;
    /** Kafka's per-log-dir lock file (LogManager.LOCK_FILE_NAME). */
    private static final String LOCK_FILE = ".lock";
    /**
     * Data dirs of the brokers running in this JVM. Kafka's controller does not lock a metadata dir that is also a
     * log dir, so a second broker on the same dir would run a second controller on the same metadata log before its
     * broker half fails on the lock; this set (and {@link #requireNotLockedByOtherProcess}) refuse it up front.
     */
    private static final Set<Path> DATA_DIRS_IN_USE = ConcurrentHashMap.newKeySet();

    private final KafkaRaftServer server;
    private final Path dataDir;
    /** This broker's entry in {@link #DATA_DIRS_IN_USE} (the data dir's real path). */
    private final Path inUseKey;
    private final boolean ownsDataDir;
    private final int port;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Path dataDir, Path inUseKey, boolean ownsDataDir, int port) {
        this.server = server;
        this.dataDir = dataDir;
        this.inUseKey = inUseKey;
        this.ownsDataDir = ownsDataDir;
        this.port = port;
    }

    /** Starts a broker on free loopback ports with data in a fresh temp dir (deleted on close). Blocks until ready (a client can list topics). */
    public static EmbeddedKafkaBroker start() {
        return startFresh(true);
    }

    /**
     * As {@link #start()}, formatted without share groups ({@code share.version} 0), as a Kafka before 4.2 or
     * a cluster whose operator turned them off: for testing what workers do there.
     */
    public static EmbeddedKafkaBroker startWithoutShareGroups() {
        return startFresh(false);
    }

    private static EmbeddedKafkaBroker startFresh(boolean shareGroups) {
        Path tempDir;
        try {
            tempDir = Files.createTempDirectory("evalpipe-kafka-");
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Cannot create a temporary data directory for the embedded Kafka broker", e);
        }
        try {
            return start(tempDir, 0, true, shareGroups);
        } catch (RuntimeException e) {
            deleteRecursively(tempDir);
            throw e;
        }
    }

    /**
     * Same, with data in dataDir (formatted on first use, reused as is later), on the given client port (0 = free port).
     * Lets tests stop and restart a broker on the same data and port.
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port) {
        Objects.requireNonNull(dataDir, "dataDir");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("Kafka client port must be 0 (free port) or 1..65535, got " + port);
        }
        return start(dataDir.toAbsolutePath().normalize(), port, false, true);
    }

    private static EmbeddedKafkaBroker start(Path dataDir, int requestedPort, boolean ownsDataDir, boolean shareGroups) {
        long startNanos = System.nanoTime();
        KafkaLogLevels.defaultToWarn();

        int clientPort = requestedPort == 0 ? freePort() : requirePortAvailable(requestedPort, "client (PLAINTEXT)");
        // The controller port is never exposed: it is picked afresh on every start (the quorum is static, see brokerConfig).
        int controllerPort = freePort();
        while (controllerPort == clientPort) {
            controllerPort = freePort();
        }

        Path inUseKey;
        try {
            inUseKey = Files.createDirectories(dataDir).toRealPath();
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Cannot create the Kafka data directory " + dataDir + ": " + e, e);
        }
        if (!DATA_DIRS_IN_USE.add(inUseKey)) {
            throw new EmbeddedKafkaException("Cannot start the embedded Kafka broker: data directory " + dataDir
                    + " is in use by another embedded broker in this JVM (close it first)", null);
        }
        try {
            return start(dataDir, inUseKey, clientPort, controllerPort, ownsDataDir, startNanos, shareGroups);
        } catch (RuntimeException | Error e) {
            DATA_DIRS_IN_USE.remove(inUseKey);
            throw e;
        }
    }

    private static EmbeddedKafkaBroker start(Path dataDir, Path inUseKey, int clientPort, int controllerPort,
                                             boolean ownsDataDir, long startNanos, boolean shareGroups) {
        requireNotLockedByOtherProcess(dataDir);
        KafkaConfig config;
        try {
            config = new KafkaConfig(brokerConfig(dataDir, clientPort, controllerPort), false);
        } catch (RuntimeException e) {
            throw new EmbeddedKafkaException("Invalid embedded Kafka broker configuration: " + e.getMessage(), e);
        }
        formatIfNeeded(dataDir, shareGroups);

        KafkaRaftServer server;
        try {
            server = new KafkaRaftServer(config, Time.SYSTEM);
        } catch (RuntimeException e) {
            throw new EmbeddedKafkaException("Cannot open the Kafka data directory " + dataDir + ": " + e.getMessage(), e);
        }
        try {
            server.startup();
        } catch (RuntimeException e) {
            stopQuietly(server);
            throw new EmbeddedKafkaException(
                    "Embedded Kafka broker failed to start on " + HOST + ":" + clientPort + ": " + rootMessage(e), e);
        }

        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, dataDir, inUseKey, ownsDataDir, clientPort);
        try {
            broker.awaitClientCanListTopics(startNanos);
        } catch (RuntimeException e) {
            stopQuietly(server);
            throw e;
        }
        LOG.info("Embedded Kafka broker ready at {} in {} ms (data in {})",
                broker.bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), dataDir);
        return broker;
    }

    /** The whole broker configuration, in one place. */
    static Properties brokerConfig(Path dataDir, int clientPort, int controllerPort) {
        Properties p = new Properties();
        // One process plays both KRaft roles: there is no separate controller to run.
        p.put("process.roles", "broker,controller");
        // A single-node cluster; the id is also the only voter in the quorum below.
        p.put("node.id", String.valueOf(NODE_ID));
        // Static quorum of one voter: the controller endpoint is not persisted (kraft.version 0), so the controller
        // port can change between restarts on the same data; a dynamic quorum (controller.quorum.bootstrap.servers
        // + a standalone-formatted voter) would pin it in the metadata log.
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        // Loopback only: nothing outside this machine may reach the broker.
        p.put("listeners", CLIENT_LISTENER + "://" + HOST + ":" + clientPort + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        // Clients are told the exact address they must use (the default would advertise the host name).
        p.put("advertised.listeners", CLIENT_LISTENER + "://" + HOST + ":" + clientPort);
        // Which listener carries KRaft controller traffic.
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        // Plain TCP on both listeners: loopback only, no TLS/SASL needed.
        p.put("listener.security.protocol.map", CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        // Replication (to itself) goes over the client listener.
        p.put("inter.broker.listener.name", CLIENT_LISTENER);
        // All partitions and the KRaft metadata log live in the one data dir (metadata.log.dir defaults to it).
        p.put("log.dirs", dataDir.toString());
        // One broker cannot hold more than one replica: internal topics default to 3 and would never be created.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        // The producer sends a run in one transaction and Kafka Streams uses exactly_once_v2: the default min ISR
        // of 2 would make every transactional write fail with NOT_ENOUGH_REPLICAS.
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Internal topics default to 50 partitions; creating them on first group/transaction use costs seconds on
        // 2 cores and buys nothing on one node.
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        // Tests and one-machine runs should not wait 3 s per consumer group (classic and streams protocols).
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.streams.initial.rebalance.delay.ms", "0");
        // Share groups (the job queues) assign a new member with its second heartbeat: every 5 s by default, so a
        // worker's first job would wait about 5 s; every 0.5 s it waits about 1.3 s. The broker's own minimum
        // must come down too.
        p.put("group.share.min.heartbeat.interval.ms", "500");
        p.put("group.share.heartbeat.interval.ms", "500");
        // A share-group member that dies usually hands its jobs back as its connection closes, but not always: one that
        // died right after taking a job kept it until its session timed out (seen here with kafka 4.3.1). The default,
        // 45 s (also the broker's minimum), would make that hand-over slower than the 30 s workers promise.
        p.put("group.share.min.session.timeout.ms", "6000");
        p.put("group.share.session.timeout.ms", "6000");
        // Lets tests give a share group a lock of a few seconds (the broker's default minimum is 15 s).
        p.put("group.share.min.record.lock.duration.ms", "1000");
        // The pipeline creates its topics explicitly, so a typo in a topic name fails loudly instead of creating one.
        p.put("auto.create.topics.enable", "false");
        // Partition count only for topics created without one; the pipeline always states its own.
        p.put("num.partitions", "1");
        // The log cleaner (needed by compacted internal topics) allocates this on heap; 128 MiB is sized for big brokers.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16L * 1024 * 1024));
        // Fail a stuck startup instead of blocking forever (the default is Long.MAX_VALUE).
        p.put("server.max.startup.time.ms", String.valueOf(STARTUP_TIMEOUT_MS));
        return p;
    }

    /**
     * Formats dataDir as a new single-node cluster unless it already holds one (then it is reused as is). The
     * formatter finalizes every production feature at the release's level, share groups ({@code share.version}
     * 1) included, unless {@code shareGroups} is false.
     */
    private static void formatIfNeeded(Path dataDir, boolean shareGroups) {
        if (Files.exists(dataDir.resolve(META_PROPERTIES))) {
            LOG.debug("Kafka data directory {} is already formatted; reusing it", dataDir);
            return;
        }
        ByteArrayOutputStream formatterOutput = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(formatterOutput, true, StandardCharsets.UTF_8)) {
            Formatter formatter = new Formatter();
            if (!shareGroups) {
                formatter.setFeatureLevel("share.version", (short) 0);
            }
            formatter
                    .setPrintStream(out)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(dataDir.toString())
                    .addDirectory(dataDir.toString())
                    // Static quorum (controller.quorum.voters is set): kraft.version 0, no initial-controllers snapshot.
                    .setHasDynamicQuorum(false)
                    .run();
        } catch (Exception e) {
            throw new EmbeddedKafkaException("Cannot format the Kafka data directory " + dataDir + ": " + e.getMessage(), e);
        }
        LOG.debug("Formatted Kafka data directory {}: {}", dataDir, formatterOutput.toString(StandardCharsets.UTF_8).trim());
    }

    private void awaitClientCanListTopics(long startNanos) {
        long remainingMs = STARTUP_TIMEOUT_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        int timeoutMs = (int) Math.max(1_000, remainingMs);
        Map<String, Object> adminConfig = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 10_000));
        try (Admin admin = Admin.create(adminConfig)) {
            admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedKafkaException("Interrupted while waiting for the embedded Kafka broker at " + bootstrapServers(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new EmbeddedKafkaException("Embedded Kafka broker at " + bootstrapServers()
                    + " started but did not answer a list-topics request within " + timeoutMs + " ms: " + rootMessage(e), e);
        }
    }

    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Stops the broker, waits for shutdown; deletes the dir only if it created a temp one. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long startNanos = System.nanoTime();
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (ownsDataDir) {
                deleteRecursively(dataDir);
            }
            DATA_DIRS_IN_USE.remove(inUseKey);
        }
        LOG.info("Embedded Kafka broker at {} stopped in {} ms",
                bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers() + ", dataDir=" + dataDir + "]";
    }

    private static void stopQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Error while stopping a Kafka broker that failed to start", e);
        }
    }

    /** Refuses a data dir whose Kafka lock another process holds (another broker, a kafka-server-start.sh...). */
    private static void requireNotLockedByOtherProcess(Path dataDir) {
        // Only called once this JVM's own brokers are ruled out: closing a channel would drop this JVM's own lock.
        try (FileChannel channel = FileChannel.open(dataDir.resolve(LOCK_FILE),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new EmbeddedKafkaException("Cannot start the embedded Kafka broker: data directory " + dataDir
                        + " is locked by another Kafka broker", null);
            }
            lock.release();
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Cannot lock the Kafka data directory " + dataDir + ": " + e, e);
        }
    }

    /** A free loopback port right now (the OS picks it). */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Cannot find a free port on " + HOST, e);
        }
    }

    /**
     * Fails fast with a clear message when something already listens on the port, before Kafka starts any of its
     * threads. Address reuse is on, like Kafka's own server socket, so connections of a previous broker on this
     * port that linger in TIME_WAIT do not count as "in use".
     */
    private static int requirePortAvailable(int port, String listener) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(HOST, port), 1);
            return port;
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Cannot start the embedded Kafka broker: " + listener + " port "
                    + HOST + ":" + port + " is already in use (" + e.getMessage() + ")", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete Kafka data directory {}: {}", dir, e.getMessage());
        }
    }
}
