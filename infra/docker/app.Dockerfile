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
# pile up, and glibc keeps what start-up frees: a 1 MB young generation and a 128 MB old-space ceiling;
# --optimize-for-size, with which old space stays 3-5 MB above its live objects between collections instead
# of 7-11 MB; and a fixed 32 KB mmap threshold. glibc raises its default (128 KB) to the largest block freed,
# so once the bundle is read everything up to 5 MB comes from its heap and what start-up frees stays there;
# at 32 KB V8's 32 KB zone segments (compiler and GC scratch memory) are mapped and returned on their own,
# about 10 mmap/munmap pairs per submission, nearly all on V8's background threads. Together they keep it at
# ~93 MB RSS after 1,000 submissions instead of ~112 (`pnpm bench:footprint` runs the built gateway by this
# command). The V8 options are flags on the command line: NODE_OPTIONS does not take them. The worker keeps
# the defaults: its batches allocate fast and a small young generation would slow them.
ENV GATEWAY_NODE_FLAGS="--max-semi-space-size=1 --max-old-space-size=128 --optimize-for-size"
ENV GATEWAY_MALLOC_MMAP_THRESHOLD_=32768
CMD ["sh", "-c", "flags=; [ \"$APP\" = gateway ] && flags=$GATEWAY_NODE_FLAGS && export MALLOC_MMAP_THRESHOLD_=$GATEWAY_MALLOC_MMAP_THRESHOLD_; exec node $flags apps/${APP}/dist/main.js"]
