import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Application, Converter, type DeclarationReflection, ReflectionKind } from 'typedoc';
import { publishablePackages } from './publishable-packages.js';
import { REPOSITORY_ROOT } from './repository-root.js';

/** Where the API reference is written (not committed: `pnpm api-docs` or the test generates it). */
/** The repository's web address, from the packages' `repository` field. */
const REPOSITORY_URL = (
  JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'packages', 'core', 'package.json'), 'utf8')) as {
    repository: { url: string };
  }
).repository.url
  .replace(/^git\+/, '')
  .replace(/\.git$/, '');

export const API_REFERENCE_FOLDER = join(REPOSITORY_ROOT, 'docs', 'api');

/** One entry point of the reference: the specifier users import and its source file. */
export interface ApiEntryPoint {
  specifier: string;
  source: string;
}

/**
 * The source file of every entry point of every publishable package: `.` is `src/index.ts`,
 * `./name` is `src/name/index.ts` or `src/name.ts` (the layouts the packages' tsup configs use). Throws
 * when a package breaks that layout, so a new subpath cannot be left out of the reference.
 */
export function apiEntryPoints(): ApiEntryPoint[] {
  return publishablePackages().flatMap((pkg) =>
    pkg.entryPoints.map(({ specifier }) => {
      const subpath = specifier.slice(pkg.name.length + 1);
      const candidates =
        subpath === ''
          ? [join(pkg.directory, 'src', 'index.ts')]
          : [join(pkg.directory, 'src', subpath, 'index.ts'), join(pkg.directory, 'src', `${subpath}.ts`)];
      const source = candidates.find((candidate) => existsSync(candidate));
      if (source === undefined)
        throw new Error(`${specifier}: expected its source at ${candidates.join(' or ')}`);
      return { specifier, source };
    }),
  );
}

/** The outcome of a TypeDoc run. */
export interface ApiReferenceResult {
  /** Every warning and error TypeDoc printed. */
  problems: string[];
  /** The module names of the reference: one per entry point. */
  modules: string[];
}

/**
 * Generates the HTML API reference of every publishable package from its JSDoc with TypeDoc,
 * into `out`. One TypeScript program over every package's sources (`paths` maps each
 * `@forno/*` specifier to its source, so links between packages resolve); each module is named
 * by the specifier users import. Type errors are the typecheck task's job (`skipErrorChecking`).
 */
export async function generateApiReference(out = API_REFERENCE_FOLDER): Promise<ApiReferenceResult> {
  const entryPoints = apiEntryPoints();
  const tsconfig = writeProgramConfig(entryPoints);
  const problems: string[] = [];
  const app = await Application.bootstrapWithPlugins({
    name: 'Forno',
    entryPoints: entryPoints.map((entry) => entry.source),
    entryPointStrategy: 'resolve',
    tsconfig,
    readme: 'none', // the index lists the packages; each README links here
    skipErrorChecking: true,
    excludePrivate: true,
    logLevel: 'Warn',
    // Source links point at the repository named in the packages' metadata, whatever this checkout's
    // git remote is (a fresh CI clone's `origin` is a local path, which TypeDoc warns about).
    disableGit: true,
    displayBasePath: REPOSITORY_ROOT,
    sourceLinkTemplate: `${REPOSITORY_URL}/blob/main/{path}#L{line}`,
  });
  app.logger.log = (message, level) => {
    problems.push(`${level === 2 ? 'warning' : level === 3 ? 'error' : 'info'} ${message}`);
  };
  const specifierOf = new Map(entryPoints.map((entry) => [entry.source, entry.specifier]));
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getReflectionsByKind(
      ReflectionKind.Module,
    ) as DeclarationReflection[]) {
      const file = module.sources?.[0]?.fullFileName;
      const specifier = file === undefined ? undefined : specifierOf.get(file);
      if (specifier === undefined) problems.push(`error module ${module.name} is not an entry point`);
      else module.name = specifier;
    }
  });
  const project = await app.convert();
  if (project === undefined)
    return { problems: [...problems, 'error TypeDoc did not convert the project'], modules: [] };
  app.validate(project);
  await app.generateDocs(project, out);
  const modules = project.getReflectionsByKind(ReflectionKind.Module).map((module) => module.name);
  return { problems: problems.filter((problem) => !problem.startsWith('info')), modules };
}

/** A tsconfig for TypeDoc's program, under node_modules/.cache (generated: the packages change). */
function writeProgramConfig(entryPoints: ApiEntryPoint[]): string {
  const folder = join(REPOSITORY_ROOT, 'node_modules', '.cache', 'forno-api-reference');
  mkdirSync(folder, { recursive: true });
  const toRoot = relative(folder, REPOSITORY_ROOT);
  const tsconfig = join(folder, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify(
      {
        extends: join(toRoot, 'tsconfig.base.json'),
        compilerOptions: {
          noEmit: true,
          paths: Object.fromEntries(entryPoints.map((entry) => [entry.specifier, [entry.source]])),
        },
        include: [join(toRoot, 'packages/*/src/**/*.ts')],
        exclude: [join(toRoot, 'packages/*/src/**/*.test.ts')],
      },
      null,
      2,
    ),
  );
  return tsconfig;
}
