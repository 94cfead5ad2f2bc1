/**
 * `npm run build`: what production runs, in dist/ (or the directory given). The server and the
 * password-scoring worker are bundled by esbuild into two ES modules, so `npm start` runs plain
 * JavaScript with no loader hooks or transpiler in memory; packages stay external and load from
 * node_modules as usual. The migrations the server applies at start are copied beside them.
 */
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function buildServer(outdir: string): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { main: path.join(ROOT, 'src/main.ts'), 'password-worker': path.join(ROOT, 'src/modules/auth/password-worker.ts') },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  cpSync(path.join(ROOT, 'drizzle'), path.join(outdir, 'drizzle'), { recursive: true });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildServer(path.resolve(process.argv[2] ?? path.join(ROOT, 'dist')));
}
