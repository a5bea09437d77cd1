# CUDA worker: onnxruntime-node's install script fetches its CUDA execution provider at build time here
# (the build host reaches the internet); the worker asks for CUDA and falls back to CPU with a log line.
FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates \
 && curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && apt-get install -y nodejs \
 && rm -rf /var/lib/apt/lists/* && npm install --global pnpm@12.4.2
ENV PRISMA_SCHEMA_ENGINE_BINARY=/bin/true ONNXRUNTIME_NODE_INSTALL_CUDA=v12
WORKDIR /app
COPY . .
RUN pnpm install --frozen-lockfile \
 && cd node_modules/.pnpm/onnxruntime-node@*/node_modules/onnxruntime-node && node script/install \
 && cd /app && pnpm install --frozen-lockfile --prod --ignore-scripts
# Two malloc arenas: see app.Dockerfile.
ENV NODE_ENV=production INFERENCE_DEVICE=cuda MALLOC_ARENA_MAX=2
USER 1000
CMD ["node", "--import", "tsx", "apps/worker/src/main.ts"]
