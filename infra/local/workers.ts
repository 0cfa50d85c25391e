/**
 * Worker processes on one machine: Chromium in single-process mode prints on one core, so
 * each worker is its own Node process (child_process.fork) with its own warm printer. The
 * parent hands one task at a time to an idle worker; a worker that dies fails its task and is
 * not reused.
 */
import { type ChildProcess, fork } from 'node:child_process';

/** Parent → worker. */
interface TaskMessage<T> {
  id: number;
  task: T;
}
/** Worker → parent. */
type ReplyMessage<R> =
  | { id: number; ok: true; result: R }
  | { id: number; ok: false; error: string }
  | { ready: true };

/** Options of {@link WorkerPool.start}. */
export interface WorkerPoolOptions {
  /** The worker's module (it calls {@link serveTasks}). */
  entry: string;
  count: number;
  /** Plain data every worker gets at start (in the IEP_WORKER_INIT variable, as JSON). */
  init: unknown;
  env?: NodeJS.ProcessEnv;
  /** V8 flags of each worker; {@link WORKER_V8_FLAGS} by default. */
  v8Flags?: readonly string[];
}

/**
 * V8's default young generation and heap growth let a worker's resident memory climb with every
 * document (large PDF strings wait for a major GC); these limits keep it flat (docs/scale.md).
 */
export const WORKER_V8_FLAGS = ['--max-old-space-size=128', '--max-semi-space-size=8'] as const;

interface Worker {
  child: ChildProcess;
  busy: boolean;
  dead: boolean;
}

/** A fixed set of worker processes running tasks one at a time each. */
export class WorkerPool<T, R> {
  #workers: Worker[] = [];
  #waiting: Array<(worker: Worker) => void> = [];
  #pending = new Map<
    number,
    { resolve: (r: R) => void; reject: (e: Error) => void; worker: Worker }
  >();
  #nextId = 0;

  private constructor() {}

  /** Forks the workers and waits until each reports ready (its printer warm). */
  static async start<T, R>(options: WorkerPoolOptions): Promise<WorkerPool<T, R>> {
    const pool = new WorkerPool<T, R>();
    await Promise.all(Array.from({ length: options.count }, () => pool.#fork(options))).catch(
      async (error) => {
        await pool.close();
        throw error;
      },
    );
    return pool;
  }

  /** Process ids of the live workers. */
  get pids(): number[] {
    return this.#workers.filter((w) => !w.dead).map((w) => w.child.pid ?? 0);
  }

  /** Runs a task on the next idle worker. */
  async run(task: T): Promise<R> {
    const worker = await this.#claim();
    const id = this.#nextId++;
    return new Promise<R>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, worker });
      worker.child.send({ id, task } satisfies TaskMessage<T>);
    }).finally(() => this.#release(worker));
  }

  /** Ends every worker (SIGTERM, then SIGKILL after a grace period). */
  async close(): Promise<void> {
    await Promise.all(
      this.#workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.dead || w.child.exitCode !== null) return resolve();
            const kill = setTimeout(() => w.child.kill('SIGKILL'), 3_000);
            w.child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            w.child.kill('SIGTERM');
          }),
      ),
    );
  }

  #fork(options: WorkerPoolOptions): Promise<void> {
    const child = fork(options.entry, [], {
      execArgv: ['--import', 'tsx', ...(options.v8Flags ?? WORKER_V8_FLAGS)],
      env: { ...(options.env ?? process.env), IEP_WORKER_INIT: JSON.stringify(options.init) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const worker: Worker = { child, busy: true, dead: false };
    this.#workers.push(worker);
    return new Promise<void>((resolve, reject) => {
      child.on('message', (message: ReplyMessage<R>) => {
        if ('ready' in message) {
          resolve();
          this.#release(worker);
          return;
        }
        const pending = this.#pending.get(message.id);
        if (!pending) return;
        this.#pending.delete(message.id);
        if (message.ok) pending.resolve(message.result);
        else pending.reject(new Error(message.error));
      });
      child.on('exit', (code, signal) => {
        worker.dead = true;
        reject(new Error(`worker exited before it was ready (${signal ?? code})`));
        for (const [id, pending] of this.#pending) {
          if (pending.worker !== worker) continue;
          this.#pending.delete(id);
          pending.reject(new Error(`worker ${child.pid} died (${signal ?? code})`));
        }
      });
    });
  }

  /**
   * An idle worker, marked busy before this returns: tasks started together (`Promise.all`) must
   * each get their own worker, so the claim cannot wait for a later microtask.
   */
  #claim(): Promise<Worker> {
    const idle = this.#workers.find((w) => !w.busy && !w.dead);
    if (idle) {
      idle.busy = true;
      return Promise.resolve(idle);
    }
    if (this.#workers.every((w) => w.dead)) return Promise.reject(new Error('no worker left'));
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(worker: Worker): void {
    worker.busy = false;
    if (worker.dead) return;
    const waiter = this.#waiting.shift();
    if (waiter) {
      // Claimed for the waiter here, before another run() can find it idle.
      worker.busy = true;
      waiter(worker);
    }
  }
}

/**
 * The worker side: builds its state from the init data, reports ready, then answers tasks.
 * Call from a worker module's top level.
 */
export async function serveTasks<I, T, R>(
  setup: (init: I) => Promise<{ run: (task: T) => Promise<R>; close: () => Promise<void> }>,
): Promise<void> {
  const init = JSON.parse(process.env.IEP_WORKER_INIT ?? 'null') as I;
  const worker = await setup(init);
  const stop = async () => {
    await worker.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  // Ctrl-C reaches the whole process group: the parent decides (it lets the tasks in flight
  // finish, then ends its workers), so a worker does not die half-way through a task.
  process.on('SIGINT', () => undefined);
  process.on('message', async ({ id, task }: TaskMessage<T>) => {
    try {
      const result = await worker.run(task);
      process.send?.({ id, ok: true, result } satisfies ReplyMessage<R>);
    } catch (error) {
      process.send?.({ id, ok: false, error: (error as Error).message } satisfies ReplyMessage<R>);
    }
  });
  process.send?.({ ready: true } satisfies ReplyMessage<R>);
}
