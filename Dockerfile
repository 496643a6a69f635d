# Umbra as an image: `docker build -t umbra .`, then see docker-compose.yml (or the README's "Containers").
# Dependencies are installed at build time: a container starts offline, from the same tree every time.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim
# tini is PID 1: it forwards SIGTERM to node (which drains and exits) and reaps what exits under it.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 DATA_DIR=/var/lib/umbra
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY bin ./bin
COPY migrations ./migrations
COPY src ./src
COPY web ./web
# The click journal (and, without DATABASE_URL, the embedded Postgres) live in DATA_DIR, owned by the
# unprivileged `node` user the server runs as.
RUN mkdir -p /var/lib/umbra && chown node:node /var/lib/umbra && chmod 700 /var/lib/umbra
USER node
VOLUME /var/lib/umbra
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# The same command as `npm start`, without npm in between.
CMD ["node", "--single-threaded-gc", "--max-semi-space-size=8", "--import", "tsx", "src/server.ts"]
