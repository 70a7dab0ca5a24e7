# Build stage: the same Maven build as CI, without tests (CI runs them).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY contracts/pom.xml contracts/
COPY broker/pom.xml broker/
COPY producer/pom.xml producer/
COPY worker/pom.xml worker/
COPY aggregator/pom.xml aggregator/
COPY cli/pom.xml cli/
COPY . .
RUN mvn -q -B -ntp -DskipTests package

# Runtime: a JRE, the shaded jar, the schema, the prompt sets and the suites. Models are mounted, never baked in.
FROM eclipse-temurin:17-jre
# curl is what the compose healthchecks call (curl -f fails on the worker's 503 while it loads or after
# an error); the base image does not promise it, and bash's /dev/tcp cannot read the status code cleanly.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/cli/target/evalctl.jar /app/evalctl.jar
COPY schemas /app/schemas
COPY prompts /app/prompts
COPY suites /app/suites
ENTRYPOINT ["java", "-jar", "/app/evalctl.jar"]
