# mxdoctor: the Slack bot (default) or any CLI command, e.g. `docker run mxdoctor mx example.com`.
# Build the jar first (./mvnw -DskipTests package); the image only runs it, with the same command CI exercises.
FROM eclipse-temurin:21-jre
RUN apt-get update && apt-get install -y --no-install-recommends iputils-ping && rm -rf /var/lib/apt/lists/*
COPY target/mxdoctor.jar /opt/mxdoctor/mxdoctor.jar
# A class-data archive for fast starts, recorded from mxdoctor's own training run (checks against a resolver that
# does not answer and a throw-away history: nothing leaves the build). Without it mxdoctor only starts more slowly.
RUN cd /tmp && export MXDOCTOR_DNS=127.0.0.1:9 MXDOCTOR_DNS_TIMEOUT_MS=50 MXDOCTOR_DNS_ATTEMPTS=1 \
      MXDOCTOR_DB=jdbc:sqlite:/tmp/train.db \
    && java -jar /opt/mxdoctor/mxdoctor.jar dns localhost A --timeout 1 >/dev/null 2>&1; \
    java -XX:ArchiveClassesAtExit=/opt/mxdoctor/mxdoctor.jsa -jar /opt/mxdoctor/mxdoctor.jar --aot-training \
      >/dev/null 2>&1; rm -f /tmp/train.db*; true
# The embedded SQLite history lives in a volume; set MXDOCTOR_DB to a jdbc:postgresql: URL to share it.
RUN mkdir -p /var/lib/mxdoctor && chown 65534 /var/lib/mxdoctor
VOLUME /var/lib/mxdoctor
ENV MXDOCTOR_DB=jdbc:sqlite:/var/lib/mxdoctor/mxdoctor.db
USER 65534
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/opt/mxdoctor/mxdoctor.jsa", "-jar", "/opt/mxdoctor/mxdoctor.jar"]
CMD ["bot"]
