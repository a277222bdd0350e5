// How long a mocha run spends in hooks (before/after/each), which the spec reporter does not
// show: the sum and the slowest, printed at the end so a slow set-up is found, not guessed.
import type Mocha from 'mocha';

export function timeHooks(runner: Mocha.Runner, print: (line: string) => void): void {
  const started = new Map<Mocha.Hook, number>();
  const spent = new Map<string, { ms: number; count: number }>();
  runner.on('hook', (hook) => started.set(hook, Date.now()));
  runner.on('hook end', (hook) => {
    const t0 = started.get(hook);
    if (t0 === undefined) return;
    started.delete(hook);
    const key = `${hook.parent?.fullTitle() || '(root)'}: ${hook.title.replace(/ for ".*"$/, '')}`;
    const entry = spent.get(key) ?? { ms: 0, count: 0 };
    entry.ms += Date.now() - t0;
    entry.count += 1;
    spent.set(key, entry);
  });
  runner.once('end', () => {
    const all = [...spent.entries()].sort((a, b) => b[1].ms - a[1].ms);
    const total = all.reduce((sum, [, e]) => sum + e.ms, 0);
    print(`Hooks took ${(total / 1000).toFixed(1)} s in all; the slowest:`);
    for (const [key, e] of all.slice(0, 8)) print(`  ${(e.ms / 1000).toFixed(1).padStart(6)} s  ${e.count}x  ${key}`);
  });
}
