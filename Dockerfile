# mxdoctor: the Slack bot (default) or any CLI command, e.g. `docker run --rm mxdoctor mx example.com`.
# Builds from a clone: `docker build -t mxdoctor .` (BuildKit, the default builder).

# --- Build: the Maven wrapper on a JDK, the dependencies in a layer of their own --------------------------------
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY scripts scripts
# Only the POM so far: this layer (every dependency and plugin) is rebuilt only when the POM changes.
RUN ./mvnw -B -ntp -q -Dmaven.test.skip=true dependency:go-offline
COPY src src
# The same jar `./mvnw verify` builds in CI (target/mxdoctor.jar); the tests run there, against the lab.
RUN ./mvnw -B -ntp -Dmaven.test.skip=true package

# --- Run: a JRE, as a user without privileges --------------------------------------------------------------------
FROM eclipse-temurin:21-jre
# ping: mxdoctor tells "host down" from "port 25 filtered" with one ICMP echo; curl: the health check below.
RUN apt-get update && apt-get install -y --no-install-recommends iputils-ping curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/mxdoctor.jar /opt/mxdoctor/mxdoctor.jar
# A class-data archive for fast starts, recorded from mxdoctor's own training run (checks of a domain served by a name
# server and a mail server of its own on loopback, a throw-away history: nothing leaves the build). Without it
# mxdoctor only starts more slowly.
RUN cd /tmp && export MXDOCTOR_DB=jdbc:sqlite:/tmp/train.db \
    && java -jar /opt/mxdoctor/mxdoctor.jar history >/dev/null 2>&1; \
    java -XX:ArchiveClassesAtExit=/opt/mxdoctor/mxdoctor.jsa -jar /opt/mxdoctor/mxdoctor.jar --aot-training \
      >/dev/null 2>&1; rm -f /tmp/train.db*; true
# The embedded SQLite history lives in a volume; set MXDOCTOR_DB to a jdbc:postgresql: URL to share it between
# replicas.
RUN mkdir -p /var/lib/mxdoctor && chown 65534:65534 /var/lib/mxdoctor
VOLUME /var/lib/mxdoctor
ENV MXDOCTOR_DB=jdbc:sqlite:/var/lib/mxdoctor/mxdoctor.db \
    MXDOCTOR_HTTP_PORT=3000
# Events (HTTP mode) and /healthz, /readyz, /metrics (both modes; MXDOCTOR_OPS_PORT moves the last three).
EXPOSE 3000
USER 65534:65534
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD curl -fsS "http://127.0.0.1:${MXDOCTOR_OPS_PORT:-$MXDOCTOR_HTTP_PORT}/healthz" >/dev/null || exit 1
# SIGTERM (docker stop) lets running checks finish for MXDOCTOR_SHUTDOWN_GRACE (25 s): give docker stop -t 30.
STOPSIGNAL SIGTERM
# The heap may use 60 % of the container's memory limit (the JVM's default is a quarter); the quick compiler only,
# as ./mxdoctor gives the bot (docs/benchmarks.md).
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/opt/mxdoctor/mxdoctor.jsa", "-XX:MaxRAMPercentage=60", \
  "-XX:TieredStopAtLevel=1", "-jar", "/opt/mxdoctor/mxdoctor.jar"]
CMD ["bot"]
