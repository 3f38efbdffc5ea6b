FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY dashboard ./dashboard
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev
# Embedded PGlite (when no DATABASE_URL is given) keeps its data here, owned by the unprivileged user.
RUN mkdir -p /data && chown node:node /data
ENV NODE_ENV=production PORT=1337 PLINTH_DATA_DIR=/data
USER node
EXPOSE 1337
# Healthy while GET /ready answers 200: the database answers, Redis (when configured) is connected.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 1337) + '/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/cli.js", "start"]
