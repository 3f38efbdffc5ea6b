FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev
ENV NODE_ENV=production PORT=1337
EXPOSE 1337
CMD ["node", "dist/cli.js", "start"]
