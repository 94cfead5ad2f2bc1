// Summarises a V8 .cpuprofile (node --cpu-prof): self time by package / source file, and the
// top functions. Usage: node bench/profile-summary.mjs <file.cpuprofile> [topN]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: node bench/profile-summary.mjs <file.cpuprofile> [topN]');
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (dt[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const group = (url) => {
  if (!url) return '(native / V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const src = url.indexOf('/src/');
  return src >= 0 ? url.slice(src + 1) : url;
};
const byGroup = new Map();
const byFn = new Map();
for (const [id, us] of self) {
  const n = byId.get(id);
  const { functionName, url, lineNumber } = n.callFrame;
  const special = ['(idle)', '(program)', '(garbage collector)'].includes(functionName) ? functionName : undefined;
  const g = special ?? group(url);
  byGroup.set(g, (byGroup.get(g) ?? 0) + us);
  const f = `${functionName || '(anonymous)'} ${group(url)}:${lineNumber + 1}`;
  byFn.set(f, (byFn.get(f) ?? 0) + us);
}
const busy = total - (byGroup.get('(idle)') ?? 0);
const pct = (us) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
console.log(`${file}\ntotal ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (percentages of busy time)\n\nby package / file:`);
for (const [g, us] of [...byGroup].filter(([g]) => g !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${g}`);
console.log('\ntop functions (self time):');
for (const [f, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) if (!f.startsWith('(idle)')) console.log(`${pct(us)}  ${f}`);
