import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// The dependency rules of the monorepo, checked on every test run so CI fails when one is broken.
const ROOT = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3],
  );
}

/** A lib may open a second door for tests only: `@app/<lib>/testing`. */
const isTestDoor = (spec: string) => /^@app\/[^/]+\/testing$/.test(spec);
/** The event store and the platform open a core door too, their index without frameworks or network clients. */
const isCoreDoor = (spec: string) => /^@app\/(event-store|platform)\/core$/.test(spec);
const isTestCode = (file: string) => /^test\/|\/testing\//.test(relative(ROOT, file));

describe('architecture', () => {
  const domainFiles = sourceFiles(join(ROOT, 'libs/domain/src')).filter((f) => !f.includes('/testing/'));

  it('keeps the domain free of frameworks, packages and I/O: only relative imports', () => {
    const offending = domainFiles.flatMap((file) =>
      imports(file)
        .filter((spec) => !spec.startsWith('./') && !spec.startsWith('../'))
        .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('keeps the domain free of clocks and randomness: time and ids arrive with the command', () => {
    const offending = domainFiles.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\b(Date\.now|new Date\(|Math\.random|randomUUID|process\.)/g)].map(
        (m) => `${relative(ROOT, file)} uses ${m[1]}`,
      ),
    );
    expect(offending).toEqual([]);
  });

  it('keeps the event store free of the domain, the platform and every other lib: the app hands it upcasters and settings', () => {
    const offending = sourceFiles(join(ROOT, 'libs/event-store/src')).flatMap((file) =>
      imports(file)
        .filter((spec) => spec.startsWith('@app/'))
        .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('reaches a lib only through its doors (its index, its core, its testing door), never a deep path', () => {
    const libOf = (path: string) => /^libs\/([^/]+)\//.exec(relative(ROOT, path))?.[1];
    const files = ['apps', 'libs', 'test'].flatMap((dir) => sourceFiles(join(ROOT, dir)));
    const offending = files.flatMap((file) =>
      imports(file)
        .filter((spec) => {
          if (/^@app\/[^/]+\/./.test(spec)) return !isCoreDoor(spec) && (!isTestDoor(spec) || !isTestCode(file));
          if (!spec.startsWith('.')) return false;
          const target = libOf(join(file, '..', spec));
          return target !== undefined && target !== libOf(file);
        })
        .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('keeps production code away from test doors and test support', () => {
    const files = ['apps', 'libs'].flatMap((dir) => sourceFiles(join(ROOT, dir))).filter((f) => !isTestCode(f));
    const offending = files.flatMap((file) =>
      imports(file)
        .filter((spec) => isTestDoor(spec) || /\/testing(\/|$)/.test(spec) || /(^|\/)test\//.test(spec))
        .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('keeps each app to itself: what two apps share lives in a lib', () => {
    const appOf = (path: string) => /^apps\/([^/]+)\//.exec(relative(ROOT, path))?.[1];
    const files = sourceFiles(join(ROOT, 'apps'));
    const offending = files.flatMap((file) =>
      imports(file)
        .filter((spec) => spec.startsWith('.') && appOf(join(file, '..', spec)) !== appOf(file))
        .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });
});
