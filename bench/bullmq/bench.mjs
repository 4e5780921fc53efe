// BullMQ, measured as imagegen-loadgen measures imagegen's Redis queue: no-op jobs
// {"generationId": uuid, "n": i}, `concurrency` producers (or `paced` jobs per second)
// and one worker with `concurrency`; latency from the start of each add to the start of
// its processor. Prints one JSON line.
// With `prefill` instead of a pace, every job is added first (addBulk, 1,000 at a time)
// and the processing is timed alone, as BullMQ's published rates are.
// usage: node bench.mjs <redis-url> <jobs> <concurrency> [paced | prefill]
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';

const [url, jobsArg, concurrencyArg, pacedArg] = process.argv.slice(2);
const jobs = Number(jobsArg ?? 20000);
const concurrency = Number(concurrencyArg ?? 16);
const prefill = pacedArg === 'prefill';
const paced = pacedArg && !prefill ? Number(pacedArg) : null;
const { hostname, port } = new URL(url ?? 'redis://127.0.0.1:6379');
const connection = { host: hostname, port: Number(port), maxRetriesPerRequest: null };
const name = `bench-${randomUUID()}`;
const queue = new Queue(name, { connection });
const enqueuedAt = new Float64Array(jobs);
const latencies = [];
let done = 0;
let finish;
const finished = new Promise((resolve) => { finish = resolve; });
let started = performance.now();
let worker;
function startWorker() {
  worker = new Worker(name, async (job) => {
    latencies.push(performance.now() - enqueuedAt[job.data.n]);
  }, { connection, concurrency });
  worker.on('completed', () => { done += 1; if (done === jobs) finish(); });
}
if (!prefill) startWorker();

async function add(n) {
  enqueuedAt[n] = performance.now();
  await queue.add('noop', { generationId: randomUUID(), n }, { removeOnComplete: true, removeOnFail: true });
}

const enqueueStart = performance.now();
if (prefill) {
  for (let first = 0; first < jobs; first += 1000) {
    const batch = [];
    for (let n = first; n < Math.min(jobs, first + 1000); n += 1) {
      enqueuedAt[n] = performance.now();
      batch.push({ name: 'noop', data: { generationId: randomUUID(), n }, opts: { removeOnComplete: true, removeOnFail: true } });
    }
    await queue.addBulk(batch);
  }
} else if (paced) {
  const pending = [];
  for (let n = 0; n < jobs; n += 1) {
    const due = enqueueStart + (n * 1000) / paced;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(add(n));
  }
  await Promise.all(pending);
} else {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < jobs) { const n = next; next += 1; await add(n); }
  }));
}
const enqueueSeconds = (performance.now() - enqueueStart) / 1000;
if (prefill) { started = performance.now(); startWorker(); }
await finished;
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const q = (p) => Math.round(latencies[Math.min(latencies.length - 1, Math.round((latencies.length - 1) * p))] * 100) / 100;
console.log(JSON.stringify({
  bench: 'queue', backend: 'bullmq', jobs, concurrency, paced, prefill,
  enqueue_per_sec: Math.round(jobs / enqueueSeconds),
  process_per_sec: Math.round(jobs / seconds),
  p50_ms: q(0.5), p99_ms: q(0.99),
}));
await worker.close();
await queue.obliterate({ force: true });
await queue.close();
