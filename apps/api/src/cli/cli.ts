import 'reflect-metadata';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EVENT_READER, EventReader } from '@app/event-store';
import { CLOCK, ConfigError, loadPersonalDataConfig, loadStoresConfig, PlatformModule, StoresConfig } from '@app/platform';
import { defaultParts, MAX_PARTS, PARKED_EVENTS, PROJECTIONS, ReadSideModule, rebuildInParts, RebuildStores, rebuildViews, SqliteViewStore, verifyView, VIEW_GENERATIONS, VIEW_WRITER } from '@app/read-side';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { customerEventStoreModule, customerEventStoreOptions, OPENED_EVENT_READER, PersonalDataModule, PersonalDataVault } from '@app/runtime';
import { auditRecords, csvHeader, csvLine, ndjsonLine } from '../audit/audit-records';
import { PARKED_USAGE, parkedCommand, UsageError } from './parked';
import { progressReporter } from './progress';

const USAGE = `Operator commands, on the stores the environment configures (as for npm start):

  npm run cli -- rebuild [--projection customer-list|account-detail|all] [--parts N]
      Rebuilds from position zero into a new generation while the live views keep serving, then
      switches atomically. Interrupted, the next run resumes; it never switches half-built. On the
      embedded stores, N processes each project a part of the customers (default: one per core,
      at most 4; N from 1 to 8, and 1 projects in this process).
  npm run cli -- verify [--projection customer-list|account-detail|all]
      Rebuilds into a shadow and compares it with the live views document by document; prints a
      digest per view and the ids that differ; exits 1 on any difference. Needs a running projector.
  npm run cli -- export --partner <id> (--customer <tenant id> | --from <ISO> --to <ISO>) [--format ndjson|csv] [--out <file>]
      The audit records (the history API's), of one customer or of all the partner's customers in a
      time range, to a file or standard output. Personal data shows as the API shows it: opened, or
      null with personalDataErased once erased.
  npm run cli -- rotate-master-key
      Rewraps every personal-data key under PII_MASTER_KEY (the old master key listed in
      PII_PREVIOUS_MASTER_KEYS until this has run). Events and views are not touched.
${PARKED_USAGE}`;

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  // \`parked\` takes an action before its options.
  const [action, rest] = command === 'parked' ? [args[0], args.slice(1)] : [undefined, args];
  const { values } = parseArgs({
    args: rest,
    options: {
      projection: { type: 'string', default: 'all' },
      partner: { type: 'string' },
      customer: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string', default: 'ndjson' },
      out: { type: 'string' },
      position: { type: 'string' },
      parts: { type: 'string' },
    },
  });
  if (!['rebuild', 'verify', 'export', 'rotate-master-key', 'parked'].includes(command ?? '')) return usage();
  const selected = Object.values(PROJECTIONS).filter((p) => values.projection === 'all' || p.name === values.projection);
  if (selected.length === 0) return usage(`unknown projection ${values.projection}`);

  const config = loadStoresConfig();
  // Only what handles personal data needs the master key: rebuild and verify project sealed contacts.
  const personalData = command === 'export' || command === 'rotate-master-key' ? [PersonalDataModule.forRoot(loadPersonalDataConfig(config))] : [];
  @Module({ imports: [PlatformModule.forRoot(config), customerEventStoreModule(), ReadSideModule, ...personalData], exports: [ReadSideModule] })
  class CliModule {}
  const app: INestApplicationContext = await NestFactory.createApplicationContext(CliModule, { logger: ['warn', 'error'] });
  const events = app.get<EventReader>(EVENT_READER);
  const stores: RebuildStores = { events, writer: app.get(VIEW_WRITER), generations: app.get(VIEW_GENERATIONS), clock: app.get(CLOCK) };
  try {
    if (command === 'parked') return await parkedCommand(action, values, selected, { ...stores, parked: app.get(PARKED_EVENTS) });
    if (command === 'rebuild') {
      // One read of the log for all selected views; a progress line per view.
      const reporters = new Map(selected.map((p) => [p.name, progressReporter()]));
      const parts = values.parts === undefined ? defaultParts() : Number(values.parts);
      if (!Number.isInteger(parts) || parts < 1 || parts > MAX_PARTS) return usage(`--parts must be an integer from 1 to ${MAX_PARTS}`);
      const fill = inParts(config, stores, parts);
      for (const { view, generation } of await rebuildViews(selected, stores, (p) => reporters.get(p.view)!(p), fill)) {
        console.log(`${view}: rebuilt as generation ${generation}, now serving reads`);
      }
      return 0;
    }
    if (command === 'verify') {
      let failed = false;
      for (const projection of selected) {
        const result = await verifyView(projection, stores, { onProgress: progressReporter() });
        console.log(`${result.view}: ${result.compared} documents compared, ${result.changedSince} changed since`);
        console.log(`${result.view}: live digest    ${result.liveDigest}`);
        console.log(`${result.view}: rebuilt digest ${result.rebuiltDigest}`);
        for (const id of result.differences) console.log(`${result.view}: DIFFERS ${id}`);
        failed ||= result.differences.length > 0;
      }
      console.log(failed ? 'verify: differences found' : 'verify: clean');
      return failed ? 1 : 0;
    }
    if (command === 'rotate-master-key') {
      console.log(`rotate-master-key: ${await app.get(PersonalDataVault).rewrapAll()} data keys rewrapped under the current master key`);
      return 0;
    }
    return await exportRecords(app.get<EventReader>(OPENED_EVENT_READER), values);
  } finally {
    await app.close();
  }
}

/** On the embedded stores, with more than one part: the new generations filled in parts, a process each. */
function inParts(config: StoresConfig, stores: RebuildStores, parts: number) {
  const { store } = customerEventStoreOptions(config);
  if (parts < 2 || store.kind !== 'embedded' || !(stores.generations instanceof SqliteViewStore)) return undefined;
  return rebuildInParts({ eventsFile: store.file, views: stores.generations, parts }, stores.events);
}

async function exportRecords(events: EventReader, values: { partner?: string; customer?: string; from?: string; to?: string; format: string; out?: string }): Promise<number> {
  const from = values.from ? new Date(values.from) : undefined;
  const to = values.to ? new Date(values.to) : undefined;
  if (!values.partner) return usage('--partner is required');
  if (!values.customer && !from && !to) return usage('give --customer, or --from and/or --to');
  if ((from && isNaN(from.getTime())) || (to && isNaN(to.getTime()))) return usage('--from and --to must be ISO-8601 instants');
  if (!['ndjson', 'csv'].includes(values.format)) return usage('--format must be ndjson or csv');
  const csv = values.format === 'csv';
  const out = values.out ? createWriteStream(values.out) : process.stdout;
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  if (csv) await write(csvHeader);
  let count = 0;
  for await (const record of auditRecords(events, { partnerId: values.partner, customerId: values.customer?.toLowerCase(), from, to })) {
    await write(csv ? csvLine(record) : ndjsonLine(record));
    count++;
  }
  if (values.out) {
    out.end();
    await once(out, 'finish');
  }
  console.error(`export: ${count} records`);
  return 0;
}

function usage(problem?: string): number {
  console.error(problem ? `${problem}\n\n${USAGE}` : USAGE);
  return 2;
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    if (error instanceof UsageError) process.exit(usage(error.message));
    const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
    console.error(`cli ${process.argv[2] ?? ''} failed: ${message}`);
    process.exit(1);
  });
