# The wirewatch image for docker-compose.yml: `docker build -t wirewatch .`, then
# `docker run wirewatch poll` / `docker run wirewatch worker`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# Only what the wheel is built from (pyproject names README.md and force-includes schemas/),
# so editing tests or docs does not invalidate the install layer.
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY streams ./streams
RUN pip install . && rm -rf /src

# Run unprivileged; state lives in Kafka, and the XDG dirs resolve under this user's home.
RUN useradd --create-home --uid 10001 wirewatch
USER wirewatch
WORKDIR /home/wirewatch

ENTRYPOINT ["wirewatch"]
CMD ["--help"]
