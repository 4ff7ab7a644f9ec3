# Client Coach: slim, non-root, knowledge baked in.
#   docker build -t client-coach .
#   docker run --env-file .env -p 3000:3000 client-coach                       # Slack, HTTP mode
#   docker run --env-file .env client-coach coach serve slack                  # Slack, Socket Mode
#   docker run --env-file .env client-coach coach serve discord                # Discord
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY knowledge ./knowledge
RUN pip install --no-cache-dir --upgrade pip \
 && pip wheel --no-cache-dir --wheel-dir /wheels ".[slack,discord,redis]"

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 coach
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER coach
WORKDIR /home/coach
ENV COACH_DB_PATH=/home/coach/data/coach.db \
    COACH_LOG_FORMAT=json \
    PYTHONUNBUFFERED=1
RUN mkdir -p /home/coach/data && coach kb check
VOLUME ["/home/coach/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:3000/healthz').status == 200 else 1)" || exit 1
STOPSIGNAL SIGTERM
CMD ["coach", "serve", "slack", "--http", "--host", "0.0.0.0", "--port", "3000"]
