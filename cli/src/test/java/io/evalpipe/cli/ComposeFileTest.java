package io.evalpipe.cli;

import io.evalpipe.launch.KafkaOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.evalpipe.scheduler.CronSchedule;
import io.evalpipe.scheduler.Suite;
import io.evalpipe.scheduler.SuiteFile;
import io.evalpipe.worker.engine.LlamaCppOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docker-compose.yml cannot be run here (no Docker engine in CI), so it is proven coherent by reading
 * it: every evalctl command parses with the real command line, devices and cores are not shared,
 * partitions cover the worker slots, and everything it references exists.
 */
class ComposeFileTest {
    static final Path ROOT = Path.of(System.getProperty("evalpipe.root", ".."));
    /** The llama.cpp build of ../shared/llama.cpp/bin/llama-server, which the integration tests run. */
    private static final String SHARED_LLAMA_SERVER_BUILD = "10573";
    /** The images' evalpipe user, UID:GID: fixed and documented, so that a host folder can be given to it. */
    private static final String IMAGE_USER = "10001:10001";
    private static final Pattern VARIABLE = Pattern.compile(
            "\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private static String text;
    private static JsonNode compose;
    private static JsonNode services;
    /** Variables used without a default, as compose would find them unset. */
    private static final Set<String> variablesWithoutDefault = new TreeSet<>();

    @BeforeAll
    static void readCompose() throws IOException {
        Path file = ROOT.resolve("docker-compose.yml");
        text = Files.readString(file);
        compose = readYaml(text);
        services = compose.path("services");
        assertThat(services.size()).as("services in %s", file).isPositive();
    }

    // ---- the commands

    @Test
    void shouldParseEveryEvalctlServiceCommandWithTheRealCommandLine() {
        List<String> evalctlServices = names(evalctlServices());
        assertThat(evalctlServices).contains("topics", "aggregator", "producer", "worker-cpu-0", "worker-gpu-0");
        for (String name : evalctlServices) {
            JsonNode service = services.get(name);
            assertThat(service.has("entrypoint")).as("%s keeps the image's evalctl entrypoint", name).isFalse();
            assertThat(service.path("command").isArray()).as("%s: command as a list, so no argument is split or joined by accident", name).isTrue();
            CommandLine.ParseResult parsed = parse(name);
            assertThat(parsed.hasSubcommand()).as("%s runs an evalctl command", name).isTrue();
            assertThat(parsed.subcommand().isUsageHelpRequested()).as("%s asks for help", name).isFalse();
        }
    }

    @Test
    void shouldScheduleASuiteThatTheImageHoldsAndCompareInTheAggregatorsReports() {
        ScheduleCommand schedule = command("scheduler", ScheduleCommand.class);
        // The image's working folder is /app, where the Dockerfile copies the repository's suites and prompts.
        Suite suite = SuiteFile.read(ROOT.resolve(schedule.suiteFile));
        assertThat(fileText(ROOT.resolve("Dockerfile"))).contains("COPY " + schedule.suiteFile.getName(0) + " ",
                "COPY " + ROOT.relativize(suite.prompts().toAbsolutePath().normalize()).getName(0) + " ");
        assertThat(CronSchedule.parse(schedule.cron, java.time.ZoneId.of(schedule.timeZone))).isNotNull();
        assertThat(evalctlServices().stream().map(Map.Entry::getKey))
                .as("a worker serves the suite's pool %s", suite.pool()).anyMatch(n -> n.startsWith("worker-" + suite.pool()));
        assertThat(strings(services.path("scheduler").path("volumes")))
                .as("the scheduler reads the reports where the aggregator writes them")
                .contains("./reports:" + schedule.reports);
        assertThat(strings(services.path("aggregator").path("volumes"))).contains("./reports:" + schedule.reports);
    }

    @Test
    void shouldPointEveryEvalctlServiceAtTheBrokersInternalListener() {
        String advertised = services.path("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText();
        for (String name : names(evalctlServices())) {
            String servers = services.get(name).path("environment").path("EVALPIPE_BOOTSTRAP_SERVERS").asText(null);
            KafkaOptions kafka = kafkaOptions(name);
            String effective = kafka.bootstrapServers != null ? kafka.bootstrapServers : servers;
            assertThat(effective).as("%s: EVALPIPE_BOOTSTRAP_SERVERS or --bootstrap-servers", name).isNotBlank();
            assertThat(advertised).as("%s connects to %s, which the broker must advertise", name, effective)
                    .contains("//" + effective);
            assertThat(effective.substring(0, effective.indexOf(':'))).as("%s: the broker's service name", name).isIn(names(services));
        }
    }

    @Test
    void shouldGiveEachGpuWorkerItsOwnExplicitNvidiaDevice() {
        List<String> gpuWorkers = workers().entrySet().stream().filter(e -> e.getValue().engine.device.equals("gpu")).map(Map.Entry::getKey).toList();
        assertThat(gpuWorkers).as("GPU workers").containsExactlyInAnyOrder("worker-gpu-0", "worker-gpu-1");
        Map<String, String> owner = new HashMap<>();
        for (String name : gpuWorkers) {
            WorkerCommand worker = workers().get(name);
            assertThat(worker.engine.gpuLayers).as("%s offloads layers", name).isPositive();
            assertThat(worker.engine.engine).as("%s runs the image's official CUDA llama-server", name).isEqualTo("llama-server");
            assertThat(worker.engine.llamaServer).as("%s finds the server through the image's EVALPIPE_LLAMA_SERVER", name).isNull();
            JsonNode build = services.get(name).path("build");
            assertThat(build.path("dockerfile").asText()).as("%s is built with CUDA", name).isEqualTo("Dockerfile.cuda");

            JsonNode devices = services.get(name).path("deploy").path("resources").path("reservations").path("devices");
            assertThat(devices.size()).as("%s reserves a device", name).isEqualTo(1);
            JsonNode device = devices.get(0);
            assertThat(device.path("driver").asText()).as("%s device driver", name).isEqualTo("nvidia");
            assertThat(strings(device.path("capabilities"))).as("%s device capabilities", name).contains("gpu");
            assertThat(device.has("count")).as("%s names its GPUs rather than counting them", name).isFalse();
            List<String> ids = strings(device.path("device_ids"));
            assertThat(ids).as("%s device_ids: one GPU per worker", name).hasSize(1);
            for (String id : ids) {
                assertThat(owner.putIfAbsent(id, name)).as("GPU %s is reserved by %s and %s", id, owner.get(id), name).isNull();
            }
        }
        String cuda = fileText(ROOT.resolve("Dockerfile.cuda"));
        assertThat(cuda).as("Dockerfile.cuda starts from llama.cpp's official CUDA server image, pinned to a build")
                .containsPattern("ARG LLAMA_CPP_IMAGE=ghcr\\.io/ggml-org/llama\\.cpp:server-cuda-b\\d+\\n")
                .contains("FROM ${LLAMA_CPP_IMAGE}")
                .contains("ENV EVALPIPE_LLAMA_SERVER=/app/llama-server")
                .doesNotContain("nvcc", "cmake");
        // The image's build is the one the integration tests run (../shared/llama.cpp's llama-server).
        assertThat(cuda).contains("server-cuda-b" + SHARED_LLAMA_SERVER_BUILD);
    }

    @Test
    void shouldGiveEachCpuWorkerAsManyCoresAsThreadsPinnedInsideItsCpuset() {
        Map<Integer, String> owner = new HashMap<>();
        List<String> cpuWorkers = new ArrayList<>();
        workers().forEach((name, worker) -> {
            if (!worker.engine.device.equals("cpu")) {
                return;
            }
            cpuWorkers.add(name);
            assertThat(services.get(name).path("cpuset").isTextual()).as("%s has a cpuset", name).isTrue();
            Set<Integer> cpuset = cores(services.get(name).path("cpuset").asText());
            assertThat(worker.engine.threads).as("%s --threads", name).isEqualTo(cpuset.size());
            assertThat(worker.engine.cpuRange).as("%s --cpu-range", name).isNotNull();
            int[] range = LlamaCppOptions.parseCpuRange(worker.engine.cpuRange);
            assertThat(cores(range[0] + "-" + range[1])).as("%s --cpu-range %s matches cpuset", name, worker.engine.cpuRange).isEqualTo(cpuset);
            for (int core : cpuset) {
                assertThat(owner.putIfAbsent(core, name)).as("core %d is pinned by %s and %s", core, owner.get(core), name).isNull();
            }
        });
        assertThat(cpuWorkers).as("CPU workers").contains("worker-cpu-0", "worker-cpu-1");
    }

    @Test
    void shouldCreateAtLeastAsManyJobPartitionsAsTheWorkerSlotsOfEachPool() {
        TopicsCommand topics = command("topics", TopicsCommand.class);
        Map<String, Integer> slots = new LinkedHashMap<>();
        workers().values().forEach(w -> slots.merge(w.pool, w.engine.parallel, Integer::sum));
        assertThat(slots).as("slots per pool").containsKeys("cpu", "gpu");
        slots.forEach((pool, n) -> {
            assertThat(topics.pools).as("the initialiser creates pool %s's job topic", pool).contains(pool);
            assertThat(topics.partitions).as("partitions for pool %s, whose workers have %d slots", pool, n).isGreaterThanOrEqualTo(n);
        });
        ProduceCommand producer = command("producer", ProduceCommand.class);
        assertThat(slots).as("the producer's pool %s has workers", producer.run.pool).containsKey(producer.run.pool);

        for (String name : names(evalctlServices())) {
            if (!name.equals("topics")) {
                assertThat(dependsOn(name)).as("%s waits for the topic initialiser", name).contains("topics");
            }
        }
        assertThat(services.path("topics").path("depends_on").path("kafka").path("condition").asText()).isEqualTo("service_healthy");
        workers().keySet().forEach(name -> assertThat(services.get(name).path("depends_on").path("topics").path("condition").asText())
                .as("%s starts after the topics exist", name).isEqualTo("service_completed_successfully"));
    }

    @Test
    void shouldProbeEachWorkerAndTheAggregatorOnThePortTheyServe() {
        Set<String> published = new TreeSet<>();
        workers().forEach((name, worker) -> {
            assertThat(worker.healthPort).as("%s --health-port", name).isNotNull();
            assertThat(healthcheckUrl(name)).as("%s healthcheck", name).isEqualTo("http://127.0.0.1:" + worker.healthPort + "/health");
            assertThat(containerPorts(name, published)).as("%s publishes its health/metrics port", name).contains(worker.healthPort);
            // The endpoint binds loopback by default; a published port reaches the container's own interface.
            assertThat(worker.healthHost).as("%s --health-host", name).isEqualTo("0.0.0.0");
        });
        AggregateCommand aggregator = command("aggregator", AggregateCommand.class);
        assertThat(aggregator.metricsPort).as("aggregator --metrics-port").isNotNull();
        assertThat(healthcheckUrl("aggregator")).isEqualTo("http://127.0.0.1:" + aggregator.metricsPort + "/health");
        assertThat(containerPorts("aggregator", published)).contains(aggregator.metricsPort);
        assertThat(aggregator.metricsHost).as("aggregator --metrics-host").isEqualTo("0.0.0.0");
        assertThat(containerPorts("kafka", published)).isNotEmpty();
        // Every image that is probed with curl must have it.
        assertThat(fileText(ROOT.resolve("Dockerfile"))).contains("curl");
        assertThat(fileText(ROOT.resolve("Dockerfile.cuda"))).as("curl comes with the official image").contains("llama.cpp:server-cuda");
    }

    @Test
    void shouldMountModelsReadOnlyAndReportsOnTheHost() {
        workers().forEach((name, worker) -> {
            assertThat(worker.engine.model).as("%s --model", name).isNotNull();
            assertThat(mountFor(name, worker.engine.model.toString())).as("%s: the mount holding %s", name, worker.engine.model)
                    .isEqualTo("./models:/models:ro");
        });
        ProduceCommand producer = command("producer", ProduceCommand.class);
        assertThat(mountFor("producer", producer.model.toString())).isEqualTo("./models:/models:ro");
        AggregateCommand aggregator = command("aggregator", AggregateCommand.class);
        assertThat(mountFor("aggregator", aggregator.reports.toString())).isEqualTo("./reports:/app/reports");
        assertThat(mountFor("aggregator", aggregator.stateDir.toString())).as("aggregator state on a volume").startsWith("aggregator-streams:");
    }

    // ---- who the processes run as

    @Test
    void shouldRunEveryEvalctlServiceAsItsImagesUserUnlessTheHostNamesAnother() {
        List<String> evalctl = names(evalctlServices());
        assertThat(evalctl).contains("topics", "aggregator", "worker-gpu-0", "worker-cpu-0", "producer", "scheduler");
        for (String name : evalctl) {
            JsonNode service = services.get(name);
            assertThat(service.path("user").asText(null)).as("%s: user, with EVALPIPE_UID and EVALPIPE_GID unset", name)
                    .isEqualTo(IMAGE_USER);
            assertThat(argument(lastInstruction(finalStage(dockerfileOf(service)), "USER")))
                    .as("%s: the default is the user its image creates", name).isEqualTo(IMAGE_USER);
        }
        // Interpolation has resolved the variables above; every user line must keep them, so that a host
        // UID can own ./reports.
        List<String> userLines = text.lines().filter(l -> l.strip().startsWith("user:")).map(String::strip).toList();
        assertThat(userLines).isNotEmpty().allMatch(l -> l.equals("user: \"${EVALPIPE_UID:-10001}:${EVALPIPE_GID:-10001}\""));
        assertThat(text).as("the header says how to make ./reports writable")
                .contains("chown 10001:10001 reports", "EVALPIPE_UID=$(id -u) EVALPIPE_GID=$(id -g)");
        assertThat(services.path("kafka").has("user")).as("apache/kafka runs as its own user, which owns its data volume").isFalse();
    }

    @Test
    void shouldCopyEveryModulesPomIntoTheBuildStageBeforeTheSources() throws IOException {
        // The build stage copies the poms first so that Docker caches the dependency layer; a module whose pom is
        // missing there fails the image build with "Child module ... does not exist".
        String root = fileText(ROOT.resolve("pom.xml"));
        List<String> modules = java.util.regex.Pattern.compile("<module>([^<]+)</module>").matcher(root).results()
                .map(m -> m.group(1)).toList();
        assertThat(modules).contains("contracts", "cli");
        String dockerfile = fileText(ROOT.resolve("Dockerfile"));
        for (String module : modules) {
            assertThat(dockerfile).as("Dockerfile copies %s/pom.xml", module).contains("COPY " + module + "/pom.xml " + module + "/");
        }
    }

    @Test
    void shouldRunEveryImageAsTheUnprivilegedUserItCreatesWritingOnlyItsOwnFolders() throws IOException {
        List<Path> dockerfiles;
        try (var files = Files.list(ROOT)) {
            dockerfiles = files.filter(f -> f.getFileName().toString().startsWith("Dockerfile")).sorted().toList();
        }
        assertThat(dockerfiles).extracting(f -> f.getFileName().toString()).contains("Dockerfile", "Dockerfile.cuda", "Dockerfile.cuda-jni");
        for (Path dockerfile : dockerfiles) {
            List<String> stage = finalStage(dockerfile);
            String name = dockerfile.getFileName().toString();
            int user = lastIndex(stage, "USER");
            assertThat(user).as("%s: a USER in the final stage", name).isNotNegative();
            assertThat(argument(stage.get(user))).as("%s: the last USER, numeric so that runAsNonRoot can check it", name).isEqualTo(IMAGE_USER);
            assertThat(user).as("%s: USER before ENTRYPOINT", name).isLessThan(lastIndex(stage, "ENTRYPOINT"));
            assertThat(stage).as("%s creates evalpipe with the documented numbers", name).anyMatch(i -> i.startsWith("RUN ")
                    && i.contains("groupadd --system --gid 10001 evalpipe") && i.contains("--uid 10001 --gid 10001")
                    && i.contains("--home-dir /app"));

            // The cache is named, since the home folder is /app and root's; it and the reports are the user's.
            String cache = stage.stream().filter(i -> i.startsWith("ENV EVALPIPE_CACHE=")).map(i -> i.substring(i.indexOf('=') + 1))
                    .reduce((a, b) -> b).orElse(null);
            assertThat(cache).as("%s sets EVALPIPE_CACHE", name).isNotNull();
            assertThat(ownedFolders(stage)).as("%s: folders given to the user", name)
                    .contains(cache, argument(lastInstruction(stage, "WORKDIR")) + "/reports");
        }
    }

    @Test
    void shouldMountTheHostsPromptsAndSuitesReadOnlyWhereTheyAreRead() {
        String workdir = argument(lastInstruction(finalStage(dockerfileOf(services.get("producer"))), "WORKDIR"));
        ProduceCommand producer = command("producer", ProduceCommand.class);
        assertThat(mountFor("producer", workdir + "/" + producer.run.prompts)).isEqualTo("./prompts:/app/prompts:ro");
        ScheduleCommand schedule = command("scheduler", ScheduleCommand.class);
        Suite suite = SuiteFile.read(ROOT.resolve(schedule.suiteFile));
        Path suitePrompts = ROOT.toAbsolutePath().normalize().relativize(suite.prompts().toAbsolutePath().normalize());
        assertThat(mountFor("scheduler", workdir + "/" + schedule.suiteFile)).isEqualTo("./suites:/app/suites:ro");
        assertThat(mountFor("scheduler", workdir + "/" + suitePrompts)).isEqualTo("./prompts:/app/prompts:ro");
        services.fields().forEachRemaining(e -> {
            for (String volume : strings(e.getValue().path("volumes"))) {
                String target = volume.split(":")[1];
                if (target.equals("/app/prompts") || target.equals("/app/suites")) {
                    assertThat(volume).as("%s: the host's own folder, read-only", e.getKey())
                            .isEqualTo("." + target.substring("/app".length()) + ":" + target + ":ro");
                }
            }
        });
    }

    @Test
    void shouldLetTheAggregatorCreateItsStateFolderAsWhicheverUserItRunsAs() {
        AggregateCommand aggregator = command("aggregator", AggregateCommand.class);
        String mount = mountFor("aggregator", aggregator.stateDir.toString());
        assertThat(mount).as("aggregator state on a volume").isNotNull();
        String target = mount.split(":")[1];
        // Kafka Streams creates --state-dir and makes it 0750; on the volume's own root, which takes the owner
        // and mode of the image's folder, that would fail for every UID but one.
        assertThat(aggregator.stateDir.getParent()).as("the volume holds --state-dir").hasToString(target);
        assertThat(finalStage(dockerfileOf(services.get("aggregator"))))
                .as("the image's %s is writable by any UID (1777, as /tmp)", target)
                .anyMatch(i -> i.startsWith("RUN ") && i.matches(".*install -d -m 1777 " + Pattern.quote(target) + "( .*)?"));
    }

    // ---- what it references

    @Test
    void shouldDefineEveryImageVolumeServiceProfileAndVariableItReferences() {
        Map<String, JsonNode> buildByImage = new HashMap<>();
        services.fields().forEachRemaining(e -> {
            String name = e.getKey();
            JsonNode service = e.getValue();
            assertThat(service.has("image") || service.has("build")).as("%s has an image or a build", name).isTrue();
            String image = service.path("image").asText();
            if (service.has("build")) {
                JsonNode build = service.get("build");
                String context = build.isTextual() ? build.asText() : build.path("context").asText(".");
                String dockerfile = build.isTextual() ? "Dockerfile" : build.path("dockerfile").asText("Dockerfile");
                assertThat(ROOT.resolve(context).resolve(dockerfile)).as("%s builds from", name).isRegularFile();
                JsonNode before = buildByImage.putIfAbsent(image, build);
                assertThat(before == null || before.equals(build)).as("image %s is built the same way by every service that names it", image).isTrue();
            } else {
                assertThat(image).as("%s: an image it cannot build must be pinned", name).matches("[^:]+:[0-9][\\w.-]*");
            }
            for (String dependency : dependsOn(name)) {
                assertThat(services.has(dependency)).as("%s depends on %s", name, dependency).isTrue();
                if (!service.has("profiles")) {
                    assertThat(services.get(dependency).has("profiles")).as("%s (always started) depends on %s, which only a profile starts", name, dependency).isFalse();
                }
            }
            for (JsonNode volume : service.path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (!source.startsWith(".") && !source.startsWith("/")) {
                    assertThat(compose.path("volumes").has(source)).as("%s mounts volume %s", name, source).isTrue();
                }
            }
            for (String profile : strings(service.path("profiles"))) {
                assertThat(text).as("profile %s of %s is documented in the file's header", profile, name).contains("--profile " + profile);
            }
        });
        assertThat(services.path("kafka").path("image").asText()).as("KRaft broker image").matches("apache/kafka:4\\.\\d+\\.\\d+");
        assertThat(services.path("producer").path("profiles").toString()).contains("tools");
        assertThat(variablesWithoutDefault).as("variables used without a :-default (there is no .env file)").isEmpty();
    }

    // ---- reading the file

    private static Path dockerfileOf(JsonNode service) {
        JsonNode build = service.path("build");
        assertThat(build.isMissingNode()).as("a service built here").isFalse();
        String context = build.isTextual() ? build.asText() : build.path("context").asText(".");
        String dockerfile = build.isTextual() ? "Dockerfile" : build.path("dockerfile").asText("Dockerfile");
        return ROOT.resolve(context).resolve(dockerfile);
    }

    /** The instructions of a Dockerfile's final stage, each on one line: continuations joined, comments left out. */
    static List<String> finalStage(Path dockerfile) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : fileText(dockerfile).split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            instructions.add(current.toString().replaceAll("\\s+", " "));
            current.setLength(0);
        }
        int from = lastIndex(instructions, "FROM");
        assertThat(from).as("%s has a FROM", dockerfile).isNotNegative();
        return instructions.subList(from, instructions.size());
    }

    private static int lastIndex(List<String> instructions, String keyword) {
        for (int i = instructions.size() - 1; i >= 0; i--) {
            if (instructions.get(i).toUpperCase(java.util.Locale.ROOT).startsWith(keyword + " ")) {
                return i;
            }
        }
        return -1;
    }

    private static String lastInstruction(List<String> instructions, String keyword) {
        int i = lastIndex(instructions, keyword);
        assertThat(i).as("a %s instruction in %s", keyword, instructions).isNotNegative();
        return instructions.get(i);
    }

    private static String argument(String instruction) {
        return instruction.substring(instruction.indexOf(' ') + 1).strip();
    }

    /** The folders a RUN's {@code install -d -o 10001 -g 10001 [-m MODE] DIR...} gives to the image's user. */
    private static Set<String> ownedFolders(List<String> stage) {
        Set<String> folders = new TreeSet<>();
        Matcher m = Pattern.compile("install -d -o 10001 -g 10001(?: -m \\d+)?((?: [^ &;|-][^ &;|]*)+)").matcher("");
        stage.stream().filter(i -> i.startsWith("RUN ")).forEach(i -> {
            m.reset(i);
            while (m.find()) {
                folders.addAll(List.of(m.group(1).strip().split(" ")));
            }
        });
        return folders;
    }

    private static List<Map.Entry<String, JsonNode>> evalctlServices() {
        List<Map.Entry<String, JsonNode>> found = new ArrayList<>();
        services.fields().forEachRemaining(e -> {
            if (e.getValue().path("image").asText().startsWith("evalpipe/")) {
                found.add(e);
            }
        });
        return found;
    }

    private static List<String> names(List<Map.Entry<String, JsonNode>> entries) {
        return entries.stream().map(Map.Entry::getKey).toList();
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static CommandLine.ParseResult parse(String service) {
        String[] args = strings(services.get(service).path("command")).toArray(String[]::new);
        CommandLine.ParseResult[] result = new CommandLine.ParseResult[1];
        assertThatCode(() -> result[0] = new CommandLine(new EvalCtl()).parseArgs(args))
                .as("%s: evalctl %s", service, String.join(" ", args)).doesNotThrowAnyException();
        return result[0];
    }

    private static <T> T command(String service, Class<T> type) {
        Object command = parse(service).subcommand().commandSpec().userObject();
        assertThat(command).as("%s runs %s", service, type.getSimpleName()).isInstanceOf(type);
        return type.cast(command);
    }

    private static KafkaOptions kafkaOptions(String service) {
        Object command = parse(service).subcommand().commandSpec().userObject();
        try {
            return (KafkaOptions) command.getClass().getDeclaredField("kafka").get(command);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(service + ": its command has no Kafka options", e);
        }
    }

    /** Every worker service, by name, with its options as evalctl parsed them; each passes the worker's own checks. */
    private static Map<String, WorkerCommand> workers() {
        Map<String, WorkerCommand> workers = new LinkedHashMap<>();
        for (String name : names(evalctlServices())) {
            Object command = parse(name).subcommand().commandSpec().userObject();
            if (command instanceof WorkerCommand worker) {
                assertThatCode(() -> worker.engine.check(false)).as("%s: the worker's option checks", name).doesNotThrowAnyException();
                workers.put(name, worker);
            }
        }
        return workers;
    }

    private static List<String> dependsOn(String service) {
        JsonNode deps = services.get(service).path("depends_on");
        return deps.isArray() ? strings(deps) : names(deps);
    }

    private static String healthcheckUrl(String service) {
        List<String> test = strings(services.get(service).path("healthcheck").path("test"));
        assertThat(test).as("%s healthcheck", service).isNotEmpty().startsWith("CMD", "curl");
        assertThat(test).as("%s: curl -f, so a 503 fails the probe", service).anyMatch(a -> a.matches("-[a-zA-Z]*f[a-zA-Z]*"));
        return test.get(test.size() - 1);
    }

    /** The container ports a service publishes; host ports must be unique across the file. */
    private static List<Integer> containerPorts(String service, Set<String> publishedSoFar) {
        List<Integer> ports = new ArrayList<>();
        for (String mapping : strings(services.get(service).path("ports"))) {
            String[] parts = mapping.split(":");
            String host = parts[parts.length - 2];
            assertThat(publishedSoFar.add(host)).as("host port %s is published twice (%s)", host, service).isTrue();
            ports.add(Integer.parseInt(parts[parts.length - 1]));
        }
        return ports;
    }

    private static String mountFor(String service, String path) {
        return strings(services.get(service).path("volumes")).stream()
                .filter(v -> {
                    String target = v.split(":")[1];
                    return path.equals(target) || path.startsWith(target + "/");
                })
                .findFirst().orElse(null);
    }

    /** {@code 0-3}, {@code 0,2} or {@code 0-1,4-5}, as Docker's cpuset reads them. */
    private static Set<Integer> cores(String cpuset) {
        Set<Integer> cores = new TreeSet<>();
        for (String part : cpuset.split(",")) {
            String[] bounds = part.trim().split("-");
            int lo = Integer.parseInt(bounds[0]);
            int hi = Integer.parseInt(bounds[bounds.length - 1]);
            IntStream.rangeClosed(lo, hi).forEach(cores::add);
        }
        return cores;
    }

    private static String fileText(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        node.forEach(n -> values.add(n.asText()));
        return values;
    }

    /**
     * YAML as compose reads it: anchors and aliases resolved, {@code <<} merge keys applied (explicit
     * keys win), and {@code ${VAR:-default}} interpolated as if no variable were set. Jackson's tree
     * reader keeps aliases as plain strings, so the tree is built here from the parser's events.
     */
    static JsonNode readYaml(String yaml) throws IOException {
        try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
            parser.nextToken();
            return read(parser, new HashMap<>());
        }
    }

    private static JsonNode read(YAMLParser p, Map<String, JsonNode> anchors) throws IOException {
        if (p.isCurrentAlias()) {
            JsonNode target = anchors.get(p.getText());
            assertThat(target).as("alias *%s", p.getText()).isNotNull();
            return target;
        }
        String anchor = p.getCurrentAnchor();
        JsonNode node;
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (p.currentToken() == JsonToken.START_OBJECT) {
            ObjectNode object = nodes.objectNode();
            List<JsonNode> merged = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                JsonNode value = read(p, anchors);
                if (key.equals("<<")) {
                    if (value.isArray()) {
                        value.forEach(merged::add);
                    } else {
                        merged.add(value);
                    }
                } else {
                    object.set(key, value);
                }
            }
            for (JsonNode source : merged) {
                source.fields().forEachRemaining(e -> object.putIfAbsent(e.getKey(), e.getValue()));
            }
            node = object;
        } else if (p.currentToken() == JsonToken.START_ARRAY) {
            ArrayNode array = nodes.arrayNode();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                array.add(read(p, anchors));
            }
            node = array;
        } else if (p.currentToken() == JsonToken.VALUE_STRING) {
            node = nodes.textNode(interpolate(p.getText()));
        } else if (p.currentToken() == JsonToken.VALUE_NULL) {
            node = nodes.nullNode();
        } else {
            // Numbers and booleans: compose reads them as written.
            node = nodes.textNode(p.getText());
        }
        if (anchor != null) {
            anchors.put(anchor, node);
        }
        return node;
    }

    private static String interpolate(String value) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$$")) {
                replacement = "$";
            } else {
                String name = m.group(1) != null ? m.group(1) : m.group(4);
                String operator = m.group(2);
                if (operator != null && (operator.endsWith("-"))) {
                    replacement = m.group(3);
                } else if (operator != null && operator.endsWith("+")) {
                    replacement = "";
                } else {
                    variablesWithoutDefault.add(name);
                    replacement = "";
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
