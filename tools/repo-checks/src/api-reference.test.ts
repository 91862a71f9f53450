import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  API_REFERENCE_FOLDER,
  type ApiReferenceResult,
  apiEntryPoints,
  generateApiReference,
} from './api-reference.js';
import { readmeFiles } from './readme-examples.js';
import { REPOSITORY_ROOT, readRepositoryFile } from './repository-root.js';

let reference: ApiReferenceResult;

beforeAll(async () => {
  reference = await generateApiReference();
}, 120_000);

describe('the API reference (TypeDoc, from the JSDoc, into docs/api)', () => {
  it('builds without a single warning (a warning is an error here)', () => {
    expect(reference.problems).toEqual([]);
    expect(existsSync(join(API_REFERENCE_FOLDER, 'index.html'))).toBe(true);
  });

  it('has one module per entry point of every publishable package, named as users import it', () => {
    expect(reference.modules.sort()).toEqual(
      apiEntryPoints()
        .map((entry) => entry.specifier)
        .sort(),
    );
  });

  it('is linked from every README, and every link leads to a page of it', () => {
    for (const readme of readmeFiles()) {
      const links = [...readRepositoryFile(readme).matchAll(/\]\(((?:\.\.\/)*docs\/api\/[^)]+)\)/g)].map(
        (match) => match[1]!,
      );
      expect(links.length, `${readme} links to docs/api`).toBeGreaterThan(0);
      for (const link of links) {
        expect(existsSync(join(REPOSITORY_ROOT, dirname(readme), link)), `${readme}: ${link}`).toBe(true);
      }
    }
  });
});
