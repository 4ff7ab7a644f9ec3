# Client Coach: slim, non-root, knowledge baked in. One image, three ways to run it (README, "Container"):
#   docker build -t client-coach .
#   docker run --env-file .env -p 3000:3000 client-coach                       # Slack, HTTP mode (the default)
#   docker run --env-file .env client-coach coach serve slack                  # Slack, Socket Mode
#   docker run --env-file .env client-coach coach serve discord                # Discord
# The health check (`coach health`) follows whichever of these runs.
FROM python:3.11-slim AS build
WORKDIR /src
RUN pip install --no-cache-dir --upgrade pip
# Dependencies first, from the metadata alone: editing code or knowledge reuses this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
deps = p['dependencies'] + [d for extra in ('slack', 'discord', 'redis') for d in p['optional-dependencies'][extra]]; \
print('\n'.join(deps))" > requirements.txt \
 && pip wheel --no-cache-dir --wheel-dir /wheels/deps -r requirements.txt
# Then the application itself, without its dependencies (they are wheels already).
COPY README.md LICENSE ./
COPY bot ./bot
COPY adapters ./adapters
COPY knowledge ./knowledge
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels/app .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 coach
COPY --from=build /wheels/deps /wheels/deps
RUN pip install --no-cache-dir /wheels/deps/*.whl && rm -rf /wheels/deps
COPY --from=build /wheels/app /wheels/app
RUN pip install --no-cache-dir --no-deps /wheels/app/*.whl && rm -rf /wheels/app
USER coach
WORKDIR /home/coach
ENV COACH_DB_PATH=/home/coach/data/coach.db \
    COACH_HEALTH_FILE=/tmp/coach-health.json \
    COACH_LOG_FORMAT=json \
    PYTHONUNBUFFERED=1
RUN mkdir -p /home/coach/data && coach kb check
VOLUME ["/home/coach/data"]
EXPOSE 3000
# `coach serve` writes a heartbeat to COACH_HEALTH_FILE in every mode; `coach health` reads it (and in
# Slack HTTP mode also asks the server's /healthz), so Socket Mode and Discord containers are healthy too.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["coach", "health"]
STOPSIGNAL SIGTERM
CMD ["coach", "serve", "slack", "--http", "--host", "0.0.0.0", "--port", "3000"]
