# telemock as a service container: `docker run -p 8780:8780 telemock`.
# BASE is any image with python3 (3.11+) and its venv module; the official slim image by default.
ARG BASE=python:3.11-slim

# --- build: a wheel of telemock, installed with its dependencies into a self-contained venv ---
FROM ${BASE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore
WORKDIR /src
COPY . .
# The wheel's metadata names README.md; a trimmed context without it still builds.
RUN test -f README.md || printf '# telemock\n' > README.md \
 && python3 -m venv /opt/telemock \
 && /opt/telemock/bin/pip wheel --no-deps --wheel-dir /tmp/dist . \
 && /opt/telemock/bin/pip install /tmp/dist/telemock-*.whl \
 && /opt/telemock/bin/pip uninstall --yes pip setuptools \
 && rm -f /opt/telemock/bin/activate* /opt/telemock/bin/Activate.ps1

# --- runtime: the venv only; no compiler, no pip, no sources ---
FROM ${BASE}
ENV PATH=/opt/telemock/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    TELEMOCK_PORT=8780
RUN groupadd --gid 10001 telemock \
 && useradd --uid 10001 --gid 10001 --create-home --home-dir /home/telemock --shell /usr/sbin/nologin telemock \
 && mkdir -p /fixtures
COPY --from=build /opt/telemock /opt/telemock
# Your own fixture files: mount a directory here and point TELEMOCK_FIXTURES at its files,
# e.g. -v ./fixtures:/fixtures:ro -e TELEMOCK_FIXTURES=/fixtures/seed.yaml
WORKDIR /home/telemock
USER 10001:10001
EXPOSE 8780
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=3 CMD ["telemock", "healthcheck"]
# Every other setting comes from TELEMOCK_* variables, or from flags appended to `docker run IMAGE`.
ENTRYPOINT ["telemock", "serve", "--host", "0.0.0.0"]
