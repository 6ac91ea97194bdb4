import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from './embedded/sqlite-event-store';
import { EVENT_READER, EVENT_WRITER, EventReader, EventWriter } from './event-store';
import { EventStoreModule, EventStoreOptions } from './event-store.module';

const TOKEN = Symbol('settings');
const renamed = { type: 'Named', fromVersion: 1, upcast: (data: unknown) => ({ person: data }) };

describe('EventStoreModule', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'event-store-module-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function boot(module: ReturnType<typeof EventStoreModule.forRoot>) {
    @Module({ imports: [module] })
    class Root {}
    const app = await NestFactory.createApplicationContext(Root, { logger: false });
    return { app, reader: app.get<EventReader>(EVENT_READER), writer: app.get<EventWriter>(EVENT_WRITER) };
  }

  it('writes events as given and reads them upcast with the upcasters it was handed', async () => {
    const file = join(dir, 'events.sqlite');
    const { app, reader, writer } = await boot(EventStoreModule.forRoot({ store: { kind: 'embedded', file }, upcasters: [renamed] }));
    const stream = `person-${randomUUID()}`;
    await writer.append(stream, [{ id: randomUUID(), type: 'Named', data: { name: 'Ada' }, metadata: { schemaVersion: 1 } }], 'no_stream');

    expect((await reader.readStream(stream)).map((e) => [e.data, e.metadata])).toStrictEqual([[{ person: { name: 'Ada' } }, { schemaVersion: 2 }]]);
    await app.close();

    // Closed at shutdown, and what the file holds is the shape appended.
    const raw = new SqliteEventStore(file);
    expect((await raw.readStream(stream)).map((e) => [e.data, e.metadata])).toStrictEqual([[{ name: 'Ada' }, { schemaVersion: 1 }]]);
    await raw.close();
  });

  it('forRootAsync takes its options from a factory, with what it injects', async () => {
    const file = join(dir, 'async.sqlite');
    @Module({ providers: [{ provide: TOKEN, useValue: file }], exports: [TOKEN] })
    class Settings {}
    const options = (path: string): EventStoreOptions => ({ store: { kind: 'embedded', file: path }, upcasters: [] });
    const { app, reader } = await boot(EventStoreModule.forRootAsync({ imports: [Settings], inject: [TOKEN], useFactory: options }));

    expect(existsSync(file)).toBe(true);
    expect(await reader.readAll()).toEqual([]);
    await app.close();
  });
});
