# CUDA worker: the same bundle and production dependencies as the CPU worker image (app.Dockerfile), with
# onnxruntime-node's CUDA execution provider fetched by its install script at build time (the build host
# reaches the internet). The worker asks for CUDA and falls back to CPU with a log line.
FROM node:20.19-bookworm-slim AS build
ENV ONNXRUNTIME_NODE_INSTALL=skip PRISMA_SCHEMA_ENGINE_BINARY=/bin/true
RUN npm install --global pnpm@12.4.2
WORKDIR /repo
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm --filter @shelfwise/worker build \
 && pnpm --filter @shelfwise/worker deploy --prod /deploy \
 && cd /deploy/node_modules/.pnpm/onnxruntime-node@*/node_modules/onnxruntime-node \
 && ONNXRUNTIME_NODE_INSTALL= ONNXRUNTIME_NODE_INSTALL_CUDA=v12 node script/install

FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates \
 && curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && apt-get install -y nodejs \
 && rm -rf /var/lib/apt/lists/*
# Two malloc arenas: see app.Dockerfile.
ENV NODE_ENV=production INFERENCE_DEVICE=cuda MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /repo/apps/worker/package.json apps/worker/package.json
COPY --from=build /repo/apps/worker/dist apps/worker/dist
COPY --from=build /deploy/node_modules apps/worker/node_modules
USER 1000
CMD ["node", "apps/worker/dist/main.js"]
