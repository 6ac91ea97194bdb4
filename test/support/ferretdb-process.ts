import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { resolve } from 'node:path';
import { bounded, restartablePort, sleep } from './service-process';

/**
 * A FerretDB of a suite's own, as a real process on loopback, so the suite can freeze (SIGSTOP),
 * kill and restart it on the same port and data without disturbing the FerretDB other suites share.
 * The binary is the cached build of scripts/go-tool.sh (scripts/with-ferretdb.sh makes it).
 */
export class FerretDbProcess {
  private child: ChildProcess | null = null;

  private constructor(
    private readonly bin: string,
    readonly port: number,
    private readonly dataDir: string,
  ) {}

  /** The cached FerretDB binary, or undefined (with the reason) when it cannot be had. */
  static binary(): { path?: string; reason?: string } {
    try {
      const path = execFileSync(resolve(__dirname, '../../scripts/go-tool.sh'), ['test/support/ferretdb'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 240_000,
      }).trim();
      return { path };
    } catch (error) {
      return { reason: (error as Error).message.split('\n')[0] };
    }
  }

  static async start(bin: string, dataDir: string): Promise<FerretDbProcess> {
    const ferret = new FerretDbProcess(bin, await restartablePort(), dataDir);
    await ferret.restart();
    return ferret;
  }

  get uri(): string {
    return `mongodb://127.0.0.1:${this.port}/`;
  }

  /** Starts it (again) on the same port and data, and waits until it accepts connections. */
  async restart(): Promise<void> {
    // Its own log, kept across restarts: what it said is what tells a hung FerretDB from a stuck client.
    const log = openSync(this.logFile, 'a');
    const child = spawn(this.bin, ['--listen', `127.0.0.1:${this.port}`, '--data', `${this.dataDir}/db`], {
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    this.child = child;
    const deadline = Date.now() + 20_000;
    while (!(await accepts(this.port))) {
      if (child.exitCode !== null) throw new Error(`FerretDB exited with ${child.exitCode} at start`);
      if (Date.now() > deadline) throw new Error('FerretDB did not accept connections within 20 s');
      await sleep(100);
    }
    // What accepted must be this FerretDB, not something else on the port with ours failing to bind.
    await sleep(300);
    if (child.exitCode !== null) throw new Error(`FerretDB exited with ${child.exitCode} at start (port ${this.port} taken?)`);
  }

  /** The last lines FerretDB wrote, over all its starts. */
  logTail(lines = 40): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  private get logFile(): string {
    return `${this.dataDir}/ferretdb.log`;
  }

  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** SIGKILL, and wait (bounded) until it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await bounded(exited, 10_000, 'FerretDB did not exit after SIGKILL');
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolveAccepts) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolveAccepts(true);
    });
    socket.once('error', () => resolveAccepts(false));
  });
}
