# mxdoctor: the Slack bot (default) or any CLI command, e.g. `docker run mxdoctor mx example.com`.
# Build the jar first (./mvnw -DskipTests package); the image only runs it, with the same command CI exercises.
FROM eclipse-temurin:21-jre
RUN apt-get update && apt-get install -y --no-install-recommends iputils-ping && rm -rf /var/lib/apt/lists/*
COPY target/mxdoctor.jar /opt/mxdoctor/mxdoctor.jar
# The embedded SQLite history lives in a volume; set MXDOCTOR_DB to a jdbc:postgresql: URL to share it.
RUN mkdir -p /var/lib/mxdoctor && chown 65534 /var/lib/mxdoctor
VOLUME /var/lib/mxdoctor
ENV MXDOCTOR_DB=jdbc:sqlite:/var/lib/mxdoctor/mxdoctor.db
USER 65534
ENTRYPOINT ["java", "-jar", "/opt/mxdoctor/mxdoctor.jar"]
CMD ["bot"]
