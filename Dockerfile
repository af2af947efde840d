# hark's images, from one build:
#   docker build -t hark .                       the job on Flink (CPU), for application or session mode (default)
#   docker build -t hark-gpu --target job-gpu .  the same on CUDA 12.5 / cuDNN 9.3, with TensorFlow's CUDA build
#   docker build -t hark-cli --target cli .      bin/hark: produce, consume, announce-model, submit, ...
#
# The job images hold Flink with TensorFlow in lib/ (loaded once per TaskManager), the job jar in usrlib/
# (application mode: `standalone-job --job-classname dev.hark.job.HarkJob`), the default model in
# /opt/hark/models/keywords (HARK_MODEL names it; hark.model.dir overrides). They run as Flink's non-root user.

ARG FLINK_IMAGE=flink:2.2.1-scala_2.12-java17
ARG MAVEN_IMAGE=maven:3.9.11-eclipse-temurin-17
# TensorFlow Java 1.1.0's GPU natives are TensorFlow 2.18, built with CUDA 12.5 and cuDNN 9.3: TensorFlow refuses a
# cuDNN older than the one it was built with (the -cudnn images of CUDA 12.5 have 9.2.1). So the CUDA runtime image,
# and cuDNN pinned from NVIDIA's repository, which that image has configured. DeploymentFilesTest checks the pair.
ARG CUDA_IMAGE=nvidia/cuda:12.5.1-runtime-ubuntu22.04
ARG CUDNN_VERSION=9.3.0.75-1
ARG JRE_IMAGE=eclipse-temurin:17-jre-noble

# ---- build: the job jar, TensorFlow's jars for lib/, and the command line's class path -------------------------
FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
COPY pom.xml ./
COPY avro-schemas/ avro-schemas/
COPY model-runtime/ model-runtime/
COPY model-export/ model-export/
COPY flink-job/ flink-job/
COPY cli/ cli/
# One reactor build: the job jar, TensorFlow's jars (flink-job/target/tensorflow-lib), and each module's runtime
# class path in its target/lib (the cli image takes the cli module's).
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -Dhark.skipJobJarWithTensorFlow package \
        dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib \
 && mkdir -p /out/usrlib /out/tensorflow-lib \
 && cp flink-job/target/flink-job-*-job.jar /out/usrlib/hark-job.jar \
 && cp flink-job/target/tensorflow-lib/*.jar /out/tensorflow-lib/

# TensorFlow's CUDA build instead of the CPU one (never both on one class path).
FROM build AS build-gpu
RUN --mount=type=cache,target=/root/.m2 \
    rm -rf flink-job/target/tensorflow-lib \
 && mvn -B -q -Pgpu -DskipTests -Dhark.skipJobJarWithTensorFlow -pl flink-job -am package \
 && rm -rf /out/tensorflow-lib && mkdir -p /out/tensorflow-lib \
 && cp flink-job/target/tensorflow-lib/*.jar /out/tensorflow-lib/

# ---- flink: the official Flink image with hark's settings, what both job images share ---------------------------
FROM ${FLINK_IMAGE} AS flink
COPY --chown=flink:flink model-export/models/keywords/ /opt/hark/models/keywords/
USER flink
# /opt/flink/data for checkpoints and savepoints on a volume (a new volume takes this folder's owner); a JavaCPP cache
# the flink user can write.
RUN mkdir -p /opt/flink/javacpp-cache /opt/flink/data/checkpoints /opt/flink/data/savepoints
# What hark's JVMs need beyond Flink's own Java 17 options (env.java.opts.all in the image's config.yaml): the Vector
# API for the front end and that JavaCPP cache. Every java started in the image reads JDK_JAVA_OPTIONS. Not through
# bin/config-parser-utils.sh: Flink's scripts split its arguments at spaces, keeping only the first option.
ENV JDK_JAVA_OPTIONS="--add-modules=jdk.incubator.vector -Dorg.bytedeco.javacpp.cachedir=/opt/flink/javacpp-cache"
# The model the job serves unless hark.model.dir names another.
ENV HARK_MODEL=/opt/hark/models/keywords
# TensorFlow's oneDNN kernels on every CPU: TensorFlow turns them on by itself only on CPUs with AVX512_VNNI, bfloat16
# or AMX, and without them the model scores windows at about half the rate (model-runtime's OneDnn).
ENV TF_ENABLE_ONEDNN_OPTS=1
EXPOSE 9249

# ---- job-gpu: the same on CUDA 12.5 / cuDNN 9.3 (what TensorFlow 2.18 was built with), with TensorFlow's CUDA build
FROM ${CUDA_IMAGE} AS job-gpu
ARG CUDNN_VERSION
RUN set -ex; \
    apt-get update; \
    apt-get install -y --no-install-recommends openjdk-17-jre-headless gettext-base libjemalloc-dev libsnappy1v5 \
        "libcudnn9-cuda-12=${CUDNN_VERSION}"; \
    apt-mark hold libcudnn9-cuda-12; \
    rm -rf /var/lib/apt/lists/*; \
    groupadd --system --gid=9999 flink; \
    useradd --system --home-dir /opt/flink --uid=9999 --gid=flink flink
ENV FLINK_HOME=/opt/flink \
    JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
ENV PATH=$FLINK_HOME/bin:$JAVA_HOME/bin:$PATH
ENV JDK_JAVA_OPTIONS="--add-modules=jdk.incubator.vector -Dorg.bytedeco.javacpp.cachedir=/opt/flink/javacpp-cache"
COPY --from=flink /docker-entrypoint.sh /docker-entrypoint.sh
COPY --from=flink /opt/hark/ /opt/hark/
COPY --from=flink --chown=flink:flink /opt/flink/ /opt/flink/
COPY --from=build-gpu --chown=flink:flink /out/tensorflow-lib/ /opt/flink/lib/
COPY --from=build --chown=flink:flink /out/usrlib/ /opt/flink/usrlib/
WORKDIR /opt/flink
USER flink
ENV HARK_MODEL=/opt/hark/models/keywords
ENV TF_ENABLE_ONEDNN_OPTS=1
ENTRYPOINT ["/docker-entrypoint.sh"]
EXPOSE 6123 8081 9249
CMD ["help"]

# ---- cli: bin/hark in a container (the producer and consumer of docker-compose.yml) -----------------------------
FROM ${JRE_IMAGE} AS cli
RUN groupadd --system --gid=9999 hark && useradd --system --create-home --uid=9999 --gid=hark hark
COPY --from=build /src/cli/target/lib/ /opt/hark/lib/
COPY --from=build /src/cli/target/cli-*.jar /opt/hark/lib/
COPY model-export/models/keywords/ /opt/hark/model-export/models/keywords/
COPY examples/ /opt/hark/examples/
USER hark
WORKDIR /opt/hark
ENV TF_CPP_MIN_LOG_LEVEL=2 TF_ENABLE_ONEDNN_OPTS=1
ENTRYPOINT ["java", "--add-modules", "jdk.incubator.vector", "-Dhark.home=/opt/hark", "-cp", "/opt/hark/lib/*", "dev.hark.cli.HarkCli"]
CMD ["--help"]

# ---- job (the default target): the job on the official Flink image ----------------------------------------------
FROM flink AS job
COPY --from=build --chown=flink:flink /out/tensorflow-lib/ /opt/flink/lib/
COPY --from=build --chown=flink:flink /out/usrlib/ /opt/flink/usrlib/
