/** The rule pages (docs/rules) are generated from each rule and its examples; this test fails when one is stale,
 *  and checks the examples' verdicts by running `pgsafe check` on them. Regenerate the pages with
 *  `pnpm docs:rules` (this file, with vitest's --update). */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleCommand, exampleFlags, EXAMPLE_FILE, renderPrecisionPage, renderRuleIndex, renderRuleMarkdown, ruleDoc, ruleDocs, ruleInfos, type RuleDoc } from '@pgsafe/core';
import { assertCliBuilt, pgsafe, useTestDatabase } from '@pgsafe/testing';
import { REPO } from './markdown.js';

const RULES = join(REPO, 'docs/rules');
const ids = ruleInfos().map((r) => r.id);
let docs: RuleDoc[];
let dir: string;

/** Writes `sql` as `<dir>/<name>/migration.sql`, the file name the pages show, and gives its folder. */
function example(name: string, sql: string): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, EXAMPLE_FILE), sql);
  return folder;
}

beforeAll(async () => {
  assertCliBuilt();
  docs = await ruleDocs();
  dir = mkdtempSync(join(tmpdir(), 'pgsafe-rule-examples-'));
});

describe('rule pages', () => {
  it.each(ids)('docs/rules/%s.md is current (pnpm docs:rules regenerates the pages)', async (id) => {
    await expect(renderRuleMarkdown(await ruleDoc(id))).toMatchFileSnapshot(join(RULES, `${id}.md`));
  });

  it('docs/rules/README.md indexes every rule', async () => {
    await expect(renderRuleIndex(docs)).toMatchFileSnapshot(join(RULES, 'README.md'));
  });

  it('docs/precision.md gives every measured rule its figures', async () => {
    await expect(renderPrecisionPage(docs)).toMatchFileSnapshot(join(REPO, 'docs/precision.md'));
  });

  it('has no page for a rule that does not exist', () => {
    const pages = readdirSync(RULES).filter((f) => f.endsWith('.md') && f !== 'README.md');
    expect(pages.sort()).toEqual(ids.map((id) => `${id}.md`).sort());
  });
});

describe('rule examples, checked by pgsafe check', { timeout: 120_000 }, () => {
  const offline = ruleInfos().filter((r) => !r.live).map((r) => r.id);

  it.each(offline)('%s: pgsafe check prints for the bad example exactly what its page shows', async (id) => {
    const doc = docs.find((d) => d.rule.id === id)!;
    const { args, lines } = exampleCommand(doc);
    const r = await pgsafe(args, { cwd: example(`${id}/bad`, doc.example.bad) });
    const printed = r.stdout.trimEnd().split('\n');
    expect(printed.slice(0, -1)).toEqual(lines);
    expect(lines.some((l) => l.endsWith(`[${id}]`))).toBe(true);
    expect(r.code).toBe(doc.findings.some((f) => f.severity === 'error') ? 1 : 0);
  });

  it('every good example passes pgsafe check with no finding at all', async () => {
    // One run per set of options the examples need.
    const groups = new Map<string, string[]>();
    for (const doc of docs.filter((d) => !d.rule.live)) {
      const flags = exampleFlags(doc.example.options).join(' ');
      groups.set(flags, [...(groups.get(flags) ?? []), `${doc.rule.id}/good/${EXAMPLE_FILE}`]);
      example(`${doc.rule.id}/good`, doc.example.good);
    }
    for (const [flags, files] of groups) {
      const r = await pgsafe(['check', ...flags.split(' ').filter(Boolean), '--format', 'json', ...files], { cwd: dir });
      const report = JSON.parse(r.stdout) as { findings: { file: string; rule: string; message: string }[]; files: unknown[] };
      expect(report.files).toHaveLength(files.length);
      expect(report.findings.map((f) => `${f.file}: [${f.rule}] ${f.message}`)).toEqual([]);
      expect(r.code).toBe(0);
    }
  });

  it.each(ruleInfos().filter((r) => r.optIn).map((r) => r.id))('%s (opt-in): its good example passes with the rule on', async (id) => {
    const doc = docs.find((d) => d.rule.id === id)!;
    const r = await pgsafe(['check', '--rule', id, ...exampleFlags(doc.example.options), EXAMPLE_FILE], { cwd: example(`${id}/good-on`, doc.example.good) });
    expect(r.stdout).toBe('0 errors, 0 warnings in 1 file checked\n');
    expect(r.code).toBe(0);
  });
});

describe('live-only rule examples, checked by pgsafe check --database-url', { timeout: 120_000 }, () => {
  const db = useTestDatabase('rule_examples');
  const live = ruleInfos().filter((r) => r.live).map((r) => r.id);

  it.each(live)('%s: reported for the bad example on its rows, not for the good one', async (id) => {
    const doc = docs.find((d) => d.rule.id === id)!;
    await db.current.query(doc.example.liveSetup!);
    const rules = async (name: string, sql: string) => {
      const r = await pgsafe(['check', '--database-url', db.current.url, '--format', 'json', EXAMPLE_FILE], { cwd: example(`${id}/${name}`, sql) });
      return (JSON.parse(r.stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule);
    };
    expect(await rules('bad', doc.example.bad)).toContain(id);
    expect(await rules('good', doc.example.good)).toEqual([]);
  });
});
