import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository's top folder. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A file of the repository, as text. */
export function readRepositoryFile(path: string): string {
  return readFileSync(new URL(path, `file://${REPOSITORY_ROOT}`), 'utf8');
}
