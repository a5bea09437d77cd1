// `pnpm bench:redis-memory [jobs]`: Redis memory per queued job, from INFO memory before and after adding
// that many predict-csv jobs (the gateway's shape: ids, an S3 URI and an ETag) to a throwaway prefix,
// without and with a fair-share priority; the adds per second of one process, 50 in flight, and Redis's
// own CPU per add (shared Redis: other clients' commands count too). Feeds the
// capacity model of docs/scaling.md. Not a test: it prints figures.
import { randomUUID } from 'node:crypto';
import { queuedJob } from '@shelfwise/contracts';
import { createRedis } from '@shelfwise/infrastructure';
import { JobProducer } from '@shelfwise/queue';

const jobs = Number(process.argv[2] ?? 10_000);
const connection = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'worker');
const prefix = `{bench-memory-${randomUUID().slice(0, 8)}}`;
const producer = new JobProducer({ connection, prefix, attempts: 3, backoffMs: 2_000 });
const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await connection.info('memory'))?.[1]);
// Redis's own CPU seconds (user + sys): per add, what one shard spends on a queued job.
const redisCpu = async () => {
  const info = await connection.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
};
try {
  for (const priority of [undefined, 5]) {
    const before = await usedMemory();
    const cpuBefore = await redisCpu();
    const started = performance.now();
    let next = 0;
    const lane = async () => {
      while (next++ < jobs) {
        const id = randomUUID();
        const job = queuedJob('predict-csv', {
          jobId: id,
          inputUri: `s3://dataset/uploads/${randomUUID()}-products.csv`,
          inputEtag: '"0123456789abcdef0123456789abcdef"',
        });
        await producer.enqueue(job, id, priority === undefined ? {} : { priority });
      }
    };
    await Promise.all(Array.from({ length: 50 }, lane));
    const seconds = (performance.now() - started) / 1_000;
    const bytes = (await usedMemory()) - before;
    const cpuMicros = (((await redisCpu()) - cpuBefore) * 1e6) / jobs;
    console.log(
      JSON.stringify({
        priority: priority ?? 'none',
        jobs,
        bytesPerQueuedJob: Math.round(bytes / jobs),
        addsPerSecond: Math.round(jobs / seconds),
        redisCpuMicrosPerAdd: Math.round(cpuMicros),
      }),
    );
    await producer.queue('inference').obliterate({ force: true });
  }
} finally {
  await producer.close();
  connection.disconnect();
}
