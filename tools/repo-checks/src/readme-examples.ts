import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { REPOSITORY_ROOT } from './repository-root.js';

/** The info string that marks a TypeScript block to be run, not only compiled: ```ts run */
export const RUNNABLE_MARKER = 'run';

/** One ```ts block of a README. */
export interface ReadmeExample {
  /** `packages/lock/README.md:16`: the README and the line of the block's opening fence. */
  id: string;
  /** The README's path from the repository root. */
  readme: string;
  /** The line of the opening fence (1-based): code line n is README line `fenceLine + n`. */
  fenceLine: number;
  code: string;
  /** Marked ```ts run: compiled, then run against a redis-server (REDIS_URL) and must exit 0. */
  runnable: boolean;
  /** A file name for the example in the scratch project (`packages-lock-README-16.ts`). */
  fileName: string;
}

/** Every README a user reads: the root one, each package's and each app's. */
export function readmeFiles(): string[] {
  const readmes = ['README.md'];
  for (const folder of ['packages', 'apps']) {
    for (const name of readdirSync(join(REPOSITORY_ROOT, folder)).sort()) {
      if (existsSync(join(REPOSITORY_ROOT, folder, name, 'README.md')))
        readmes.push(`${folder}/${name}/README.md`);
    }
  }
  return readmes;
}

/** The ```ts blocks of every README (` ```ts ` and ` ```ts run `; other languages are not code to check). */
export function readmeExamples(): ReadmeExample[] {
  return readmeFiles().flatMap((readme) =>
    examplesOf(readme, readFileSync(join(REPOSITORY_ROOT, readme), 'utf8')),
  );
}

/** The ```ts blocks of one Markdown text. */
export function examplesOf(readme: string, markdown: string): ReadmeExample[] {
  const examples: ReadmeExample[] = [];
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const opening = /^```(\S*)\s*(.*)$/.exec(lines[index]!);
    if (opening === null) continue;
    const end = lines.findIndex((line, after) => after > index && line.startsWith('```'));
    if (end === -1) throw new Error(`${readme}:${index + 1}: a code block is never closed`);
    if (opening[1] === 'ts') {
      const fenceLine = index + 1;
      const runnable = opening[2]!.split(/\s+/).includes(RUNNABLE_MARKER);
      examples.push({
        id: `${readme}:${fenceLine}`,
        readme,
        fenceLine,
        code: `${lines.slice(index + 1, end).join('\n')}\n`,
        runnable,
        fileName: `${readme.replace(/\.md$/, '').replaceAll('/', '-')}-${fenceLine}.ts`,
      });
    }
    index = end;
  }
  return examples;
}

/**
 * Maps `tsc --pretty false` output to the examples: `docs/x.ts(3,5): error TS…` becomes
 * `packages/x/README.md:19:5 error TS…` under the example's id. Lines about other files are kept
 * under the empty id.
 */
export function diagnosticsByExample(
  output: string,
  examples: ReadmeExample[],
  folder: string,
): Map<string, string[]> {
  const byFile = new Map(examples.map((example) => [example.fileName, example]));
  const diagnostics = new Map<string, string[]>();
  let id = '';
  for (const line of output.split('\n').filter((text) => text.trim())) {
    const located = /^(.*?)\((\d+),(\d+)\): (.*)$/.exec(line);
    // An indented line continues the diagnostic above it.
    if (located === null && /^\s/.test(line)) {
      diagnostics.get(id)?.push(line);
      continue;
    }
    const example = located ? byFile.get(relative(folder, resolve(folder, located[1]!))) : undefined;
    id = example?.id ?? '';
    const text =
      example && located
        ? `${example.readme}:${example.fenceLine + Number(located[2])}:${located[3]} ${located[4]}`
        : line;
    diagnostics.set(id, [...(diagnostics.get(id) ?? []), text]);
  }
  return diagnostics;
}

/**
 * The npm packages the examples import besides `@forno/*` and Node.js built-ins (`keyv`,
 * `@nestjs/common`...), each with the range a workspace manifest already uses for it, plus
 * their peer dependencies that manifest also lists (npm would otherwise pick the newest peer,
 * which may not fit): the scratch project installs them next to the tarballs.
 */
export function exampleDependencies(examples: ReadmeExample[]): Record<string, string> {
  const workspace = workspaceDependencies();
  const dependencies: Record<string, string> = {};
  for (const example of examples) {
    for (const [, specifier] of example.code.matchAll(/\bfrom '([^'.][^']*)'/g)) {
      if (specifier!.startsWith('node:') || specifier!.startsWith('@forno/')) continue;
      const name = specifier!
        .split('/')
        .slice(0, specifier!.startsWith('@') ? 2 : 1)
        .join('/');
      const listed = workspace.get(name);
      if (listed === undefined) {
        throw new Error(
          `${example.id} imports ${name}, which no workspace package depends on: add it to one`,
        );
      }
      dependencies[name] = listed.range;
      const installed = JSON.parse(
        readFileSync(join(listed.folder, 'node_modules', name, 'package.json'), 'utf8'),
      ) as { peerDependencies?: Record<string, string> };
      for (const peer of Object.keys(installed.peerDependencies ?? {})) {
        const peerListed = workspace.get(peer);
        if (peerListed?.folder === listed.folder) dependencies[peer] = peerListed.range;
      }
    }
  }
  return dependencies;
}

/** Every dependency of every workspace manifest, with its range and the folder that lists it (first seen wins). */
function workspaceDependencies(): Map<string, { range: string; folder: string }> {
  const listed = new Map<string, { range: string; folder: string }>();
  for (const group of ['packages', 'apps', 'tools']) {
    for (const name of readdirSync(join(REPOSITORY_ROOT, group)).sort()) {
      const folder = join(REPOSITORY_ROOT, group, name);
      if (!existsSync(join(folder, 'package.json'))) continue;
      const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as Record<
        string,
        Record<string, string>
      >;
      for (const field of ['dependencies', 'devDependencies']) {
        for (const [dependency, range] of Object.entries(manifest[field] ?? {})) {
          if (!range.startsWith('workspace:') && !listed.has(dependency))
            listed.set(dependency, { range, folder });
        }
      }
    }
  }
  return listed;
}
