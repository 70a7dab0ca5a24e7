# Build stage: the same Maven build as CI, without tests (CI runs them).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY contracts/pom.xml contracts/
COPY broker/pom.xml broker/
COPY producer/pom.xml producer/
COPY models/pom.xml models/
COPY worker/pom.xml worker/
COPY report/pom.xml report/
COPY aggregator/pom.xml aggregator/
COPY sweep/pom.xml sweep/
COPY scheduler/pom.xml scheduler/
COPY launch/pom.xml launch/
COPY bench/pom.xml bench/
COPY cli/pom.xml cli/
COPY . .
RUN mvn -q -B -ntp -DskipTests package

# Runtime: a JRE, the shaded slim jar, the schema, the prompt sets and the suites. Models are mounted, never baked in.
FROM eclipse-temurin:17-jre
# curl is what the compose healthchecks call (curl -f fails on the worker's 503 while it loads or after
# an error); the base image does not promise it, and bash's /dev/tcp cannot read the status code cleanly.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
# The process runs as evalpipe, UID:GID 10001:10001, never as root; the numbers are fixed so that a host
# folder can be given to it (chown 10001:10001 reports). What is copied in below stays root's, read-only.
# It writes only: /app/reports; the evalpipe cache (named here: the home folder /app is not writable, and
# a --user that is not in /etc/passwd has no home at all); /var/lib/evalpipe, where compose mounts the
# aggregator's state volume, 1777 like /tmp so that Kafka Streams creates its own folder there as
# whichever UID it runs as (docker-compose.yml's EVALPIPE_UID). The cache is not world-writable: a
# library planted in it would be loaded by the worker.
ENV EVALPIPE_CACHE=/var/cache/evalpipe
RUN groupadd --system --gid 10001 evalpipe \
    && useradd --system --no-log-init --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin evalpipe \
    && install -d -o 10001 -g 10001 -m 0755 /app/reports /var/cache/evalpipe \
    && install -d -m 1777 /var/lib/evalpipe
WORKDIR /app
# The slim build: every role against the compose (or any) cluster, without the embedded broker and Scala.
COPY --from=build /src/cli/target/evalctl-slim.jar /app/evalctl.jar
COPY schemas /app/schemas
COPY prompts /app/prompts
COPY suites /app/suites
USER 10001:10001
ENTRYPOINT ["java", "-jar", "/app/evalctl.jar"]
