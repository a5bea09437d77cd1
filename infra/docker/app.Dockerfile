# One image per app: `--build-arg APP=gateway|worker`. The build stage compiles the app to JavaScript
# (`pnpm build`: apps/<app>/dist) and `pnpm deploy --prod` gathers that app's production dependencies
# only, so the gateway image holds neither onnxruntime-node nor s3rver. The image runs plain node.
FROM node:20.19-bookworm-slim AS build
# onnxruntime-node's install script would fetch CUDA files; the CPU build it ships is what this image uses.
ENV ONNXRUNTIME_NODE_INSTALL=skip PRISMA_SCHEMA_ENGINE_BINARY=/bin/true
RUN npm install --global pnpm@12.4.2
WORKDIR /repo
COPY . .
# The full install also generates the Prisma client from prisma/schema.prisma (the bundle includes it).
RUN pnpm install --frozen-lockfile
ARG APP
# The gateway image also runs the migration Job: apps/gateway/dist/migrate.js reads prisma/migrations.
RUN pnpm --filter "@shelfwise/${APP}" build \
 && pnpm --filter "@shelfwise/${APP}" deploy --prod /deploy \
 && mkdir -p "/image/apps/${APP}" \
 && cp -r "apps/${APP}/package.json" "apps/${APP}/dist" "/image/apps/${APP}/" \
 && mv /deploy/node_modules "/image/apps/${APP}/node_modules" \
 && if [ -d "apps/${APP}/public" ]; then cp -r "apps/${APP}/public" "/image/apps/${APP}/"; fi \
 && if [ "${APP}" = gateway ]; then mkdir -p /image/prisma && cp -r prisma/migrations /image/prisma/; fi

FROM node:20.19-bookworm-slim
ARG APP
# glibc's default of one malloc arena per thread (libuv, onnxruntime) keeps freed Buffer memory mapped:
# two arenas cut a worker's peak RSS on a 1M-row job from ~400 MB to ~350 MB, and it runs no slower.
ENV NODE_ENV=production APP=${APP} MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build --chown=node:node /image /app
USER node
# The gateway's live heap is about 31 MB, but V8 sizes its heap for the host (gigabytes) and lets garbage
# pile up, and glibc keeps what start-up frees: a 1 MB young generation, a 128 MB old-space ceiling and a
# fixed 32 KB mmap threshold keep it near 93 MB RSS after 1,000 submissions instead of 112-116 MB
# (`pnpm bench:footprint` runs the built gateway by this command). glibc raises its threshold (128 KB) to the
# largest block freed, 5.3 MB once the bundle's source buffer is collected, so what start-up frees stayed in
# its heap; at 32 KB V8's 32 KB zone segments (compiler and GC scratch memory) are mapped and returned on
# their own: about 10 mmap/munmap pairs per submission, nearly all on V8's background threads, and POST
# /v1/predict as fast as without. (--optimize-for-size would save 3-4 MB more, but cost POST /v1/predict
# 5-35% of its requests/s.) The worker keeps the defaults: its batches allocate fast and a small young
# generation would slow them.
ENV GATEWAY_NODE_OPTIONS="--max-semi-space-size=1 --max-old-space-size=128"
ENV GATEWAY_MALLOC_MMAP_THRESHOLD_=32768
CMD ["sh", "-c", "[ \"$APP\" = gateway ] && export NODE_OPTIONS=\"$GATEWAY_NODE_OPTIONS ${NODE_OPTIONS:-}\" MALLOC_MMAP_THRESHOLD_=$GATEWAY_MALLOC_MMAP_THRESHOLD_; exec node apps/${APP}/dist/main.js"]
