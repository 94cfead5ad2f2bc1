/**
 * Children of the peer bench run built JavaScript, as our own server does in production: each
 * entry is bundled by esbuild (packages left external, so the same node_modules are loaded) into
 * a fresh directory next to this file — inside the repository so that Node resolves those
 * packages from it — and the directory is removed when the child is done.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BuiltEntry {
  /** Path of the bundled .mjs, to run with `node <file>`. */
  file: string;
  remove(): Promise<void>;
}

export async function buildEntry(entry: string): Promise<BuiltEntry> {
  const { build } = await import('esbuild');
  const here = fileURLToPath(new URL('.', import.meta.url));
  const dir = join(here, `.build-${randomBytes(6).toString('hex')}`);
  const file = join(dir, basename(entry).replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [join(here, entry)],
    outfile: file,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}
