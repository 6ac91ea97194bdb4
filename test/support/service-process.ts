import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { mintToken, TEST_AUDIENCE, TEST_ISSUER, TokenClaims } from './tokens';
import { storeEnv } from './stores';

/** The built API entry point; `npm test` builds it first (package.json "pretest"). */
export const MAIN_JS = resolve(__dirname, '../../dist/apps/api/src/main.js');
/** The built standalone projector. */
export const PROJECTOR_JS = resolve(__dirname, '../../dist/apps/projector/src/main.js');

/** Fails loudly, naming the fix, when the API has not been built. */
export function assertBuilt(): void {
  if (!existsSync(MAIN_JS)) {
    throw new Error(`${MAIN_JS} does not exist: run \`npm run build\` first (\`npm test\` does it for you through "pretest").`);
  }
}

/** A port nothing listens on right now: bind port 0, read what the kernel picked, let it go. */
/**
 * A free port below the kernel's ephemeral range (32768–60999 on Linux), for a server a test stops
 * and starts again on the same port: while it is down, no `listen(0)` of a parallel suite and no
 * outgoing connection can be given its port, as could happen to one taken from `freePort`.
 */
export async function restartablePort(): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolveFree) => {
      const server = createServer();
      server.once('error', () => resolveFree(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
    });
    if (free) return port;
    if (attempt > 50) throw new Error('No free port below the ephemeral range.');
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolvePort(port) : reject(new Error('No port was assigned.'))));
    });
  });
}

export function randomSecret(): string {
  return randomBytes(48).toString('base64url');
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly baseUrl: string;
  readonly dataDir: string;
  readonly secret: string;
  /** Settles when the process has exited, however it ended. */
  readonly exited: Promise<Exit>;
  /** Whether the process is still running. */
  running(): boolean;
  token(claims?: TokenClaims): Promise<string>;
  /** What the process printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGKILLs the process if it still runs and waits (bounded) for it to be gone. */
  kill(): Promise<Exit>;
}

export interface StartOptions {
  /** The built entry point to run; the API unless told otherwise. */
  readonly entry?: string;
  readonly dataDir: string;
  readonly secret: string;
  readonly port?: number;
  readonly env?: Record<string, string>;
  /** How long to wait for GET /health/ready to answer 200. */
  readonly readyTimeoutMs?: number;
}

/**
 * Runs `node dist/apps/api/src/main.js` as a real child process on DATA_DIR and waits until it is
 * ready. Every process started here is tracked, so `killAll` in afterEach/afterAll can end them.
 */
export async function startService(options: StartOptions): Promise<ServiceProcess> {
  assertBuilt();
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(await storeEnv(options.dataDir)),
    DATA_DIR: options.dataDir,
    PORT: String(port),
    AUTH_JWT_SECRET: options.secret,
    AUTH_ISSUER: TEST_ISSUER,
    AUTH_AUDIENCE: TEST_AUDIENCE,
    // With production stores a killed holder's projector lease must expire before the restarted
    // process projects: a short lease, and reads that wait long enough to see the takeover.
    PROJECTOR_LEASE_MS: '2000',
    READ_WAIT_MS: '10000',
    ...options.env,
  };
  const child = spawn(process.execPath, [options.entry ?? MAIN_JS], { cwd: resolve(__dirname, '../..'), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let done = false;
  const exited = new Promise<Exit>((resolveExit) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolveExit({ code, signal });
    });
    child.once('error', (error) => {
      output += `\n[spawn error] ${error.message}`;
      done = true;
      resolveExit({ code: null, signal: null });
    });
  });
  const service: ServiceProcess = {
    child,
    port,
    baseUrl,
    dataDir: options.dataDir,
    secret: options.secret,
    exited,
    running: () => !done,
    token: (claims) => mintToken(options.secret, claims),
    output: () => output,
    async kill() {
      if (!done) child.kill('SIGKILL');
      return bounded(exited, 10_000, `process ${child.pid} did not exit after SIGKILL`);
    },
  };
  live.add(service);
  void exited.then(() => live.delete(service));

  try {
    await waitReady(service, options.readyTimeoutMs ?? 20_000);
  } catch (error) {
    await service.kill().catch(() => undefined);
    throw error;
  }
  return service;
}

const live = new Set<ServiceProcess>();

/** Ends every service process this helper started that still runs. */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((s) => s.kill().catch(() => undefined)));
}

/** Polls GET /health/ready until it answers 200, the process dies, or the time is up. */
export async function waitReady(service: ServiceProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!service.running()) {
      throw new Error(`The service exited before it was ready (${JSON.stringify(await service.exited)}). Output:\n${service.output()}`);
    }
    try {
      const res = await fetch(`${service.baseUrl}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`The service on ${service.baseUrl} was not ready within ${timeoutMs} ms (last: ${last}). Output:\n${service.output()}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Rejects with `message` when `promise` has not settled within `ms`. */
export function bounded<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (after ${ms} ms)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** What became of one HTTP request: an answer (any status), or the failure to get one. */
export interface HttpOutcome {
  readonly status?: number;
  readonly headers?: IncomingHttpHeaders;
  readonly body?: any;
  /** Set when no answer arrived: ECONNREFUSED, ECONNRESET, a timeout... */
  readonly error?: string;
}

export interface SentRequest {
  /** Settles with the answer or the connection failure; never rejects. */
  readonly outcome: Promise<HttpOutcome>;
  /** Settles once the whole request has been handed to the OS (or failed to be). */
  readonly written: Promise<void>;
}

/**
 * One request on its own connection (`Connection: close`, no pooling), so the request is on the
 * wire as soon as `written` settles: unlike fetch, nothing waits in a client-side queue, and a
 * failure can only be the server's (refused, reset, cut).
 */
export function send(
  service: { port: number },
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
): SentRequest {
  const data = options.body === undefined ? undefined : JSON.stringify(options.body);
  let markWritten!: () => void;
  const written = new Promise<void>((r) => (markWritten = r));
  const outcome = new Promise<HttpOutcome>((resolveOutcome) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: service.port,
        method,
        path,
        agent: false,
        timeout: options.timeoutMs ?? 15_000,
        headers: {
          Connection: 'close',
          ...(data === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(data)) }),
          ...options.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('error', (error) => resolveOutcome({ status: res.statusCode, headers: res.headers, error: (error as NodeJS.ErrnoException).code ?? error.message }));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // Not JSON: keep the text for failure messages.
          }
          resolveOutcome({ status: res.statusCode, headers: res.headers, body });
        });
      },
    );
    req.on('finish', () => markWritten());
    req.on('timeout', () => req.destroy(Object.assign(new Error('request timed out'), { code: 'TIMEOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => {
      markWritten();
      resolveOutcome({ error: error.code ?? error.message });
    });
    req.end(data);
  });
  return { outcome, written };
}
