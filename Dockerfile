# One image per service, from the fat jar Maven already built (no build inside the image):
#
#   mvn -B package -DskipTests
#   docker build --build-arg MODULE=auth-verticle    -t chatbus/auth .
#   docker build --build-arg MODULE=chat-verticle    -t chatbus/chat .
#   docker build --build-arg MODULE=gateway-verticle -t chatbus/gateway .
#
# docker-compose.yml builds all three this way. The container starts the service alone in
# clustered mode; configuration is by CHAT_* environment variables (see docs/cluster.md).
FROM eclipse-temurin:17-jre-jammy

ARG MODULE
RUN test -n "$MODULE" || { echo "build with --build-arg MODULE=auth-verticle|chat-verticle|gateway-verticle" >&2; exit 1; }

# curl for the health checks; a system user that owns the data folder (named volumes mounted
# on /data start with this ownership).
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin chatbus \
 && mkdir -p /app /data \
 && chown chatbus /data

WORKDIR /app
COPY ${MODULE}/target/${MODULE}-fat.jar /app/service.jar

USER chatbus
# Heap as a share of the container's memory limit; die (and be restarted) rather than limp on
# after an OutOfMemoryError. Hazelcast's --add-opens/--add-exports are in the jar's manifest.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError" \
    CHAT_DATA_DIR=/data \
    CHAT_CLUSTER_PORT=5701
# 8080 gateway HTTP (and its /metrics), 5701 Hazelcast, 5710 clustered event bus (TLS when
# CHAT_CLUSTER_TLS_KEYSTORE is set), 9090 liveness and /metrics of auth and chat
# (CHAT_LIVENESS_PORT, on CHAT_LIVENESS_HOST: 127.0.0.1 unless compose opens it to its network).
EXPOSE 8080 5701 5710 9090

# exec form: java is PID 1 and gets SIGTERM itself (docker stop), then leaves the cluster cleanly.
ENTRYPOINT ["java", "-jar", "/app/service.jar", "-cluster", "-cluster-port", "5710"]
