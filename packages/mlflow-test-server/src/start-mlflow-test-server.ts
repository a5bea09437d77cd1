import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector, type FaultOptions } from './fault-injector';
import { MlflowHttpError } from './mlflow-http-error';
import { createRequestDispatcher } from './request-dispatcher';
import { createTestServerState, type TestServerState } from './test-server-state';

export interface MlflowTestServerOptions {
  /** Port to listen on (127.0.0.1); 0 or omitted picks a free one. */
  port?: number;
}

export interface MlflowTestServer {
  /** Tracking URI for clients, e.g. `http://127.0.0.1:53211`. */
  readonly url: string;
  readonly port: number;
  /** Everything stored, plus every request received, for assertions. */
  readonly state: TestServerState;
  /** The next `count` requests answer `status` (default 503) with an MLflow error body. */
  failNext(count: number, status?: number, options?: FaultOptions): void;
  /** Every request answers `status` until called with `false`. */
  failAll(status: number | false, options?: FaultOptions): void;
  /** Delays responses by `ms` (Infinity: until cleared); `false` ends it and releases waiting requests. */
  stall(ms: number | false, options?: FaultOptions): void;
  /** Ends every injected failure and stall. */
  clearFaults(): void;
  /** Requests received for `path` (with or without the `/api/2.0` prefix), optionally of one method. */
  countRequests(path: string, method?: string): number;
  /** Resolves once `count` requests for `path` have arrived; rejects after `timeoutMs`. */
  waitForRequests(path: string, count?: number, timeoutMs?: number): Promise<void>;
  /** Goes down: stops listening and drops open connections, keeping the state. */
  stop(): Promise<void>;
  /** Comes back up on the same port with the same state. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const matchesPath = (recorded: string, path: string) => recorded === path || recorded === `/api/2.0${path}`;

/** Starts an in-memory MLflow tracking server implementing the endpoints @shelfwise/mlflow-client uses. */
export async function startMlflowTestServer(
  options: MlflowTestServerOptions = {},
): Promise<MlflowTestServer> {
  const state = createTestServerState();
  const faults = new FaultInjector();
  const dispatch = createRequestDispatcher(state, faults);
  const arrivals = new Set<() => void>();
  let life = new AbortController();

  const server = createServer((request, response) => {
    dispatch(request, response, life.signal)
      .catch((error: unknown) => {
        // A bug in a handler: answer like MLflow's catch-all rather than hanging the client.
        const internal = new MlflowHttpError(
          'INTERNAL_ERROR',
          error instanceof Error ? error.message : String(error),
        );
        if (!response.headersSent) {
          response
            .writeHead(500, { 'content-type': 'application/json' })
            .end(JSON.stringify(internal.toJson()));
        }
      })
      .finally(() => {
        for (const check of arrivals) check();
      });
    for (const check of arrivals) check();
  });

  const listen = async (port: number) => {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
  };
  // Set while listening or about to: concurrent restarts share it, and stop waits for it.
  let running: Promise<void> | undefined = listen(options.port ?? 0);
  await running;
  const { port } = server.address() as AddressInfo;

  const countRequests = (path: string, method?: string) =>
    state.requests.filter(
      (request) => matchesPath(request.path, path) && (!method || request.method === method),
    ).length;

  const stop = async () => {
    const current = running;
    if (!current) return;
    running = undefined;
    await current;
    life.abort();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    state,
    failNext: (count, status, faultOptions) => faults.failNext(count, status, faultOptions),
    failAll: (status, faultOptions) => faults.failAll(status, faultOptions),
    stall: (ms, faultOptions) => faults.stall(ms, faultOptions),
    clearFaults: () => faults.clear(),
    countRequests,
    waitForRequests: (path, count = 1, timeoutMs = 5000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (countRequests(path) < count) return;
          finish();
          resolve();
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${count} request(s) to ${path}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          arrivals.delete(check);
        };
        arrivals.add(check);
        check();
      }),
    stop,
    restart: () => {
      if (!running) {
        life = new AbortController();
        running = listen(port);
      }
      return running;
    },
    close: async () => {
      faults.clear();
      await stop();
    },
  };
}
