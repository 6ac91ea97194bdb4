import { BillingDetails, CustomerEventType, customerStream, EventMetadata, SCHEMA_VERSIONS } from '@app/domain';
import { comparePositions, EsdbEventStore, eventIdFor, EventStore, NewEvent, Position, SqliteEventStore } from '@app/event-store';
import { PROJECTIONS, ViewName, ViewWriter } from '@app/read-side';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { bounded, sleep } from './service-process';

/** The built operator CLI; `npm test` builds it first (package.json "pretest"). */
export const CLI_JS = resolve(__dirname, '../../dist/apps/api/src/cli/cli.js');

export const VIEWS: readonly ViewName[] = ['customer-list', 'account-detail'];

/**
 * The event store a service on `dataDir` with `env` (from `storeEnv`) would use, opened directly on
 * the adapter (no upcasting: the seed writes every event in its current shape).
 */
export function openEventStore(dataDir: string, env: Record<string, string>): EventStore {
  return env.EVENT_STORE === 'eventstoredb'
    ? EsdbEventStore.connect(env.EVENTSTORE_CONNECTION_STRING)
    : new SqliteEventStore(join(dataDir, 'events.sqlite'));
}

/** One seeded relationship and the state its events leave. */
export interface SeededCustomer {
  readonly partnerId: string;
  readonly tenantId: string;
  /** The tenant's own name, from the Established event. */
  readonly tenantName: string;
  /** The friendly name after the rename. */
  readonly companyName: string;
  readonly domain: string;
  readonly billing: BillingDetails;
  /** occurredAt of the last event. */
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface SeedResult {
  readonly customers: SeededCustomer[];
  readonly events: number;
  /** The position of the last event appended (the highest). */
  readonly last: Position;
  readonly ms: number;
}

export function metadataFor(type: CustomerEventType, partnerId: string, sub: string, occurredAt: string, correlationId?: string): EventMetadata {
  const commandId = randomUUID();
  return {
    commandId,
    correlationId: correlationId ?? commandId,
    causationId: commandId,
    actor: { sub, partnerId, roles: ['admin-agent'] },
    occurredAt,
    schemaVersion: SCHEMA_VERSIONS[type],
  };
}

/** A stored event as a command would have written it: its own command id, the type's current schema version. */
export function newEvent(type: CustomerEventType, data: unknown, metadata: EventMetadata): NewEvent {
  return { id: eventIdFor(metadata.commandId, 0), type, data, metadata };
}

/**
 * The five events of one realistic relationship: established, renamed, self-purchase granted, Cost
 * Management enabled, billing profile set (schema v2: culture, language, contact{…}).
 */
export function customerHistory(partnerId: string, index: number, startMs: number): { customer: SeededCustomer; events: NewEvent[] } {
  const tenantId = randomUUID();
  const tenantName = `Tenant ${String(index).padStart(6, '0')} ${tenantId.slice(0, 4)}`;
  const companyName = `Customer ${String(index).padStart(6, '0')} Ltd`;
  const domain = `tenant${index}-${tenantId.slice(0, 8)}.onmicrosoft.com`;
  const billing: BillingDetails = {
    culture: index % 3 === 0 ? 'fr-FR' : 'en-US',
    language: index % 3 === 0 ? 'fr' : 'en',
    contact: {
      firstName: 'Ada',
      lastName: `Lovelace${index}`,
      email: `billing${index}@${domain}`,
      phoneNumber: '+1 425 555 0100',
      defaultAddress: { addressLine1: `${index} Microsoft Way`, city: 'Redmond', state: 'WA', postalCode: '98052', country: 'US' },
    },
  };
  const agent = `agent-${index % 7}@partner.example`;
  const at = (n: number) => new Date(startMs + n * 1000).toISOString();
  const events = [
    newEvent('CustomerRelationshipEstablished', { tenantId, partnerId, companyName: tenantName, domain }, metadataFor('CustomerRelationshipEstablished', partnerId, agent, at(0))),
    newEvent('CustomerRenamed', { previousName: tenantName, companyName }, metadataFor('CustomerRenamed', partnerId, agent, at(1))),
    newEvent('SelfPurchaseGranted', { resources: ['AzureReservedInstances'] }, metadataFor('SelfPurchaseGranted', partnerId, agent, at(2))),
    newEvent('CostManagementEnabled', {}, metadataFor('CostManagementEnabled', partnerId, agent, at(3))),
    // Every tenth as a release before schema version 2 stored it (flat): every read path, the
    // rebuild's included, must see it upcast.
    index % 10 === 9
      ? newEvent('BillingProfileUpdated', { culture: billing.culture, language: billing.language, ...billing.contact }, { ...metadataFor('BillingProfileUpdated', partnerId, agent, at(4)), schemaVersion: 1 })
      : newEvent('BillingProfileUpdated', billing, metadataFor('BillingProfileUpdated', partnerId, agent, at(4))),
  ];
  return { customer: { partnerId, tenantId, tenantName, companyName, domain, billing, updatedAt: at(4), updatedBy: agent }, events };
}

/**
 * Appends `customers` relationships (five events each, one append per customer) spread over the
 * partners, with `concurrency` appends in flight.
 */
export async function seedCustomers(
  events: EventStore,
  options: { partners: readonly string[]; customers: number; concurrency: number; startMs?: number },
): Promise<SeedResult> {
  const began = Date.now();
  const startMs = options.startMs ?? Date.UTC(2025, 0, 1);
  const customers: SeededCustomer[] = [];
  let last: Position | null = null;
  let count = 0;
  let next = 0;
  const worker = async () => {
    while (next < options.customers) {
      const index = next++;
      const partnerId = options.partners[index % options.partners.length];
      const { customer, events: history } = customerHistory(partnerId, index, startMs + index * 60_000);
      const { position } = await events.append(customerStream(partnerId, customer.tenantId), history, 'no_stream');
      customers.push(customer);
      count += history.length;
      if (!last || comparePositions(position, last) > 0) last = position;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.customers) }, worker));
  if (!last) throw new Error('Nothing was seeded.');
  return { customers, events: count, last, ms: Date.now() - began };
}

/** Waits until the active generation of every view has projected `position`. */
export async function projectedUpTo(views: ViewWriter, position: Position, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reached = await Promise.all(VIEWS.map((v) => views.checkpoint(PROJECTIONS[v])));
    if (reached.every((p) => p && comparePositions(p, position) >= 0)) return;
    if (Date.now() > deadline) {
      throw new Error(`Views did not reach ${position.commit} within ${timeoutMs} ms: ${JSON.stringify(reached, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
    }
    await sleep(50);
  }
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRun {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
  stdout(): string;
  stderr(): string;
  /** Resolves once the output so far satisfies `test`; rejects if the process ends first or the time is up. */
  waitForOutput(test: (stderr: string, stdout: string) => boolean, timeoutMs: number, what: string): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<CliResult>;
}

const running = new Set<CliRun>();

/** `node dist/apps/api/src/cli/cli.js <args>` with only the given environment (plus PATH and HOME). */
export function startCli(args: readonly string[], env: Record<string, string>): CliRun {
  const child = spawn(process.execPath, [CLI_JS, ...args], {
    cwd: resolve(__dirname, '../..'),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CliResult>((resolveDone) => {
    // 'close', not 'exit': all output has been read by then.
    child.once('close', (code, signal) => resolveDone({ code, signal, stdout, stderr }));
    child.once('error', (error) => resolveDone({ code: null, signal: null, stdout, stderr: `${stderr}\n[spawn error] ${error.message}` }));
  });
  let ended = false;
  const run: CliRun = {
    child,
    done,
    stdout: () => stdout,
    stderr: () => stderr,
    async waitForOutput(test, timeoutMs, what) {
      const deadline = Date.now() + timeoutMs;
      while (!test(stderr, stdout)) {
        if (ended) throw new Error(`The CLI ended before ${what}: ${JSON.stringify(await done)}`);
        if (Date.now() > deadline) throw new Error(`No ${what} within ${timeoutMs} ms. stderr:\n${stderr}\nstdout:\n${stdout}`);
        await sleep(10);
      }
    },
    async kill(signal = 'SIGKILL') {
      if (!ended) child.kill(signal);
      return bounded(done, 10_000, `CLI ${child.pid} did not end after ${signal}`);
    },
  };
  running.add(run);
  void done.then(() => {
    ended = true;
    running.delete(run);
  });
  return run;
}

/** Runs the CLI to its end (bounded) and returns its exit code and output. */
export function runCli(args: readonly string[], env: Record<string, string>, timeoutMs = 120_000): Promise<CliResult> {
  const run = startCli(args, env);
  return bounded(run.done, timeoutMs, `cli ${args.join(' ')} did not finish`).catch(async (error: Error) => {
    const partial = await run.kill().catch(() => null);
    throw new Error(`${error.message}\nstderr:\n${partial?.stderr ?? run.stderr()}\nstdout:\n${partial?.stdout ?? run.stdout()}`);
  });
}

/** SIGKILLs every CLI process started here that still runs. */
export async function killAllCli(): Promise<void> {
  await Promise.all([...running].map((r) => r.kill().catch(() => undefined)));
}
