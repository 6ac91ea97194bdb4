import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// What a process loads is most of what it takes to start: a rebuild's parts start once per part, on
// the rebuild's clock, and the whole libs took them half a second. Checked on the build that
// `npm test` makes first, as the processes run it.
const DIST = join(__dirname, '..', '..', 'dist', 'libs');

/** Frameworks, network clients, the logger and the tracing SDK: none of them is needed to project the embedded log. */
const HEAVY = /^(@nestjs\/|@eventstore\/db-client$|mongodb$|jose$|pino|nestjs-pino$|express$|rxjs$|class-(validator|transformer)$|@opentelemetry\/(?!api$))/;

/** The packages (from node_modules) that requiring `module` loads, in a fresh process. */
function packagesLoadedBy(module: string): string[] {
  const script = `require(${JSON.stringify(join(DIST, module))}); process.stdout.write(JSON.stringify(Object.keys(require.cache)))`;
  const files = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
  const packages = files.flatMap((file) => /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1] ?? []);
  return [...new Set(packages)].sort();
}

describe('core doors', () => {
  it.each(['event-store/src/core.js', 'platform/src/core.js'])('%s loads no framework, network client or logger', (door) => {
    expect(packagesLoadedBy(door).filter((p) => HEAVY.test(p))).toEqual([]);
  });

  it("a rebuild's part process loads no framework, network client or logger", () => {
    expect(packagesLoadedBy('read-side/src/embedded/rebuild-part.js').filter((p) => HEAVY.test(p))).toEqual([]);
  });

  it('while the main doors load them (what the core doors leave out)', () => {
    expect(packagesLoadedBy('event-store/src/index.js')).toEqual(expect.arrayContaining(['@eventstore/db-client', '@nestjs/common']));
    expect(packagesLoadedBy('platform/src/index.js')).toEqual(expect.arrayContaining(['@nestjs/core', 'jose', 'mongodb', 'pino']));
  });
});
