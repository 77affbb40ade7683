# syntax=docker/dockerfile:1
#
# One image for every Coach process: the gunicorn web servers (the default command), the rq job
# workers and the `coach setup` one-shot (compose.yaml; docs/deployment.md).
#
# NOT BUILT HERE: the project's machines run no container engine, so this file has never been
# built or run. The same topology is rehearsed without containers by `make stack` and its
# integration test (tests/integration/test_stack.py); tests/unit/test_deployment_files.py
# checks this file statically.
#
# Targets: `runtime` (the default, CPU) and `speech-gpu` (runtime plus NVIDIA's CUDA 12
# libraries for COACH_ASR_DEVICE=cuda workers).

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS base

# Nothing may download a model: every model ships inside a locked PyPI package. The lock pins
# the CPU build of PyTorch (torch==2.13.0+cpu), served by PyTorch's own index.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    COACH_INSTANCE_PATH=/var/lib/coach/instance \
    COACH_RECORDINGS_DIR=/var/lib/coach/recordings \
    COACH_MODEL_CACHE_DIR=/var/lib/coach/model-cache

# espeak-ng: the debtor's fallback voice. PyAV and psycopg[binary] bring their own libraries;
# ffmpeg is not needed at run time.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends espeak-ng \
    && rm -rf /var/lib/apt/lists/*

# Exactly the lock, every file's hash checked. The lock holds the dev extras too (pytest,
# playwright, ruff, mypy, locust, sentence-transformers): the image carries them until a
# separate runtime lock exists.
RUN python -m venv /opt/venv
WORKDIR /app
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

# Coach itself, installed editable from this source tree as `make run` does: Flask's templates
# (templates/), the content (content/), the static files and the migration scripts are found
# beside the package (coach.config.REPO_ROOT), and a wheel of the project carries none of them.
COPY pyproject.toml README.md ./
COPY coach/ coach/
COPY templates/ templates/
COPY content/ content/
COPY deploy/ deploy/
RUN pip install --no-deps --no-build-isolation -e . \
    && python -m compileall -q coach deploy

# A non-root user owning only the data folders (named volumes take this ownership when
# first mounted). The numeric id lets an orchestrator verify "not root".
RUN groupadd --system --gid 10001 coach \
    && useradd --system --uid 10001 --gid coach --home-dir /var/lib/coach \
       --shell /usr/sbin/nologin coach \
    && mkdir -p /var/lib/coach/instance /var/lib/coach/recordings /var/lib/coach/model-cache \
    && chown -R coach:coach /var/lib/coach \
    && chmod -R 700 /var/lib/coach
USER 10001:10001

EXPOSE 8000
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind", "0.0.0.0:8000", "coach.wsgi:app"]


# Speech workers on a GPU host (COACH_ASR_DEVICE=cuda): faster-whisper runs on CTranslate2,
# which needs CUDA 12's cuBLAS and cuDNN 9 at run time (the host's NVIDIA driver comes in
# through the NVIDIA Container Toolkit). These two packages are NOT in the lock, so they are
# not hash-checked; the target has never been built or run on a GPU. An nvidia/cuda 12 runtime
# base image with Python 3.11 is the other way to get the libraries.
FROM base AS speech-gpu
USER root
RUN pip install "nvidia-cublas-cu12==12.*" "nvidia-cudnn-cu12==9.*"
ENV LD_LIBRARY_PATH=/opt/venv/lib/python3.11/site-packages/nvidia/cublas/lib:/opt/venv/lib/python3.11/site-packages/nvidia/cudnn/lib \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility \
    COACH_ASR_DEVICE=cuda
USER 10001:10001
CMD ["flask", "--app", "coach", "coach", "jobs", "worker"]


# The default target (last stage): the CPU image.
FROM base AS runtime
