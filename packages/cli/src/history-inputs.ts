/** Which migrations `pgsafe check` replays before the ones it reports: the files of one runner's folder form a
 *  history, judged in the runner's order, each after the earlier ones (core's context/history.ts). */
import { join, resolve } from 'node:path';
import { glob } from 'tinyglobby';
import { migrationSlot, runnerOrder, type MigrationSlot, type RunnerName } from '@pgsafe/core';
import type { Input } from './inputs.js';

/** Sibling patterns of a named migration file, per runner, relative to the history's root. */
const SIBLINGS: Partial<Record<RunnerName, string>> = {
  prisma: '*/migration.sql',
  diesel: '*/up.sql',
  flyway: '{V*__*,R__*}.sql',
  'golang-migrate': '*.up.sql',
  sqlx: '*.sql',
  goose: '*.sql',
  dbmate: '*.sql',
  'node-pg-migrate': '*.sql',
  'postgres-migrations': '*.sql',
  plain: '*.sql',
};

export interface HistoryOptions {
  /** The config's `runner`: every file is taken as this runner's. */
  runner?: RunnerName;
  /** The paths the user named (a named file is judged after its folder's earlier migrations). */
  named: Set<string>;
  /** `--since`: only these (resolved) files are reported; the others of their histories are replayed only. */
  changed?: Set<string>;
}

/** The inputs with their runner slots, in runner order within each history, plus the earlier migrations of a named
 *  file's folder as context (`report: false`); with `changed`, the unchanged files of a history become context and
 *  the unchanged files outside any history are left out. */
export async function historyInputs(inputs: Input[], options: HistoryOptions): Promise<Input[]> {
  const slotted = inputs.map((input) => (input.slot || input.source !== undefined ? input : withSlot(input, options.runner))).filter((input) => !unnamedRollback(input, options));
  const withContext = [...(await namedContext(slotted, options)), ...slotted];
  const kept = options.changed ? withContext.flatMap((input) => sinceFilter(input, options.changed!)) : withContext;
  return inRunnerOrder(kept);
}

/** A down migration (diesel down.sql, *.down.sql, flyway U files) met in a folder runs only on a manual rollback,
 *  where it restores what its up changed: dropping a table or column the rolled-back code never used, renaming back.
 *  Reported, such findings were 135 of the 674 the precision bench sampled, none of them worth acting on (bench/README.md,
 *  precision). A down migration named on the command line is checked. */
function unnamedRollback(input: Input, options: HistoryOptions): boolean {
  return input.slot?.direction === 'down' && !options.named.has(input.file);
}

function withSlot(input: Input, runner: RunnerName | undefined): Input {
  const slot = migrationSlot(input.file, runner);
  return slot ? { ...input, slot } : input;
}

function sinceFilter(input: Input, changed: Set<string>): Input[] {
  if (input.report === false || changed.has(resolve(input.file))) return [input];
  return input.slot?.direction === 'up' ? [{ ...input, report: false }] : [];
}

/** The earlier migrations of each named file's history that are not inputs already. Only where the layout says which
 *  files are the runner's (or the config names the runner): in an arbitrary folder, other .sql files may be anything. */
async function namedContext(inputs: Input[], options: HistoryOptions): Promise<Input[]> {
  const have = new Set(inputs.map((i) => resolve(i.file)));
  const roots = new Map<string, MigrationSlot[]>();
  for (const input of inputs) {
    const slot = input.slot;
    if (!slot || slot.direction !== 'up' || !options.named.has(input.file)) continue;
    if (!options.runner && (slot.runner === 'plain' || !SIBLINGS[slot.runner])) continue;
    const list = roots.get(slot.root) ?? [];
    roots.set(slot.root, [...list, slot]);
  }
  const context: Input[] = [];
  for (const [root, slots] of roots) {
    const runner = slots[0]!.runner;
    const order = runnerOrder(runner);
    const last = slots.reduce((a, b) => (order(a, b) >= 0 ? a : b));
    const files = (await glob(SIBLINGS[runner]!, { cwd: root, onlyFiles: true })).map((f) => join(root, f));
    for (const file of files) {
      const slot = migrationSlot(file, options.runner);
      if (!slot || slot.direction !== 'up' || have.has(resolve(file)) || slot.runner !== runner || order(slot, last) >= 0) continue;
      context.push({ file, slot, report: false });
    }
  }
  return context;
}

/** Each history's files sorted by its runner's order; histories and other files keep their places (a history takes
 *  the place of its first file). */
function inRunnerOrder(inputs: Input[]): Input[] {
  const groups = new Map<string, Input[]>();
  const out: (Input | Input[])[] = [];
  for (const input of inputs) {
    const slot = input.slot;
    if (!slot || slot.direction !== 'up') {
      out.push(input);
      continue;
    }
    const key = `${slot.runner}\0${slot.root}`;
    const group = groups.get(key);
    if (group) group.push(input);
    else {
      const created = [input];
      groups.set(key, created);
      out.push(created);
    }
  }
  return out.flatMap((entry) => {
    if (!Array.isArray(entry)) return [entry];
    const order = runnerOrder(entry[0]!.slot!.runner);
    return entry.sort((a, b) => order(a.slot!, b.slot!));
  });
}

/** The key of the history an input belongs to (undefined: judged alone). */
export function historyKey(input: Input): string | undefined {
  return input.slot?.direction === 'up' ? `${input.slot.runner}\0${input.slot.root}` : undefined;
}
