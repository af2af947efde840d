#!/usr/bin/env bash
# Stand-in for Kafka's bin/kafka-run-class.sh: CLASS [args] on Kafka's class path, logging as its tools do.
exec java ${KAFKA_HEAP_OPTS:--Xmx256M} -Dlog4j2.configurationFile=/etc/kafka/docker/tools-log4j2.yaml \
  -cp '/opt/kafka/libs/*' "$@"
