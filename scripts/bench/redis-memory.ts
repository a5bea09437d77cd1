// `pnpm bench:redis-memory [jobs]`: Redis memory per queued job, from INFO memory before and after adding
// that many predict-csv jobs (the gateway's shape: ids, an S3 URI and an ETag) to a throwaway prefix,
// without and with a fair-share priority; and the adds per second of one process, 50 in flight. Feeds the
// capacity model of docs/scaling.md. Not a test: it prints figures.
import { randomUUID } from 'node:crypto';
import { createRedis } from '@shelfwise/infrastructure';
import { JobProducer } from '@shelfwise/queue';

const jobs = Number(process.argv[2] ?? 10_000);
const connection = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'worker');
const prefix = `{bench-memory-${randomUUID().slice(0, 8)}}`;
const producer = new JobProducer({ connection, prefix, attempts: 3, backoffMs: 2_000 });
const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await connection.info('memory'))?.[1]);
try {
  for (const priority of [undefined, 5]) {
    const before = await usedMemory();
    const started = performance.now();
    let next = 0;
    const lane = async () => {
      while (next++ < jobs) {
        const id = randomUUID();
        const payload = {
          v: 1 as const,
          jobId: id,
          inputUri: `s3://dataset/uploads/${randomUUID()}-products.csv`,
          inputEtag: '"0123456789abcdef0123456789abcdef"',
        };
        await producer.enqueue('predict-csv', payload, id, priority === undefined ? {} : { priority });
      }
    };
    await Promise.all(Array.from({ length: 50 }, lane));
    const seconds = (performance.now() - started) / 1_000;
    const bytes = (await usedMemory()) - before;
    console.log(
      JSON.stringify({
        priority: priority ?? 'none',
        jobs,
        bytesPerQueuedJob: Math.round(bytes / jobs),
        addsPerSecond: Math.round(jobs / seconds),
      }),
    );
    await producer.queue('inference').obliterate({ force: true });
  }
} finally {
  await producer.close();
  connection.disconnect();
}
