# club-bot: `club-bot serve` (Slack HTTP, Mattermost, health, metrics) as a non-root user.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot bot
COPY handlers handlers
COPY storage storage
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 club
COPY --from=build /install /usr/local
WORKDIR /app
COPY config config
ENV CLUB_CONFIG=/app/config/club-des-territoires.toml \
    DATABASE_URL=sqlite:////data/club-bot.sqlite3 \
    PORT=3000 \
    PYTHONUNBUFFERED=1
RUN mkdir /data && chown club /data
USER club
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD python -c "import os,urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT','3000'), timeout=4)"
CMD ["club-bot", "serve"]
