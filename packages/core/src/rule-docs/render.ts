import { compactLine } from '../report/compact.js';
import { noColor, type Palette } from '../report/pretty.js';
import { exampleFlags } from './example.js';
import { EXAMPLE_FILE, type RuleDoc } from './rule-doc.js';
import { DOCS_URL, ruleDocUrl } from './url.js';
import { PRECISION, PRECISION_RUN, type PrecisionFigure } from './precision-figures.js';

/** A rule's page as sections of paragraphs (markdown inline syntax) and code, rendered to markdown for docs/rules
 *  and SARIF, and to text for `pgsafe explain`: the same content in both. */
type Block = { text: string } | { code: string; lang: 'sql' | 'text' };
interface Section {
  title: string;
  blocks: Block[];
}

/** The `pgsafe check` command that prints the example's finding, and what it prints (the finding lines). */
export function exampleCommand(doc: RuleDoc): { args: string[]; lines: string[] } {
  // A check about pgsafe-ignore comments needs the rule the comment names to run too: the example runs everything.
  const only = doc.rule.aboutIgnores ? [] : ['--rule', doc.rule.id];
  return { args: ['check', ...only, ...exampleFlags(doc.example.options), '--format', 'compact', EXAMPLE_FILE], lines: doc.findings.map(compactLine) };
}

/** A link from a rule page: relative inside docs/, absolute where the page is shown elsewhere (SARIF). */
type Href = (fromRulesDir: string) => string;
const relativeHref: Href = (path) => path;
const absoluteHref: Href = (path) => new URL(path, `${DOCS_URL}/rules/`).href;

function sections(doc: RuleDoc, href: Href): Section[] {
  const { rule, example, finding } = doc;
  const flags = exampleFlags(example.options);
  const out: Section[] = [];
  const severity =
    rule.severity === 'error'
      ? '**error**. A finding fails `pgsafe check` (exit 1) and stops `pgsafe run` and the ORM adapters.'
      : '**warning**. Reported; it never fails a check unless `--max-warnings` says how many may be.';
  const about = [{ text: rule.summary }, { text: `Severity: ${severity}` }];
  if (rule.optIn) about.push({ text: `Opt-in: it runs once the config gives it a severity (\`"rules": { "${rule.id}": "warning" }\`), or for one run with \`--rule ${rule.id}\`.` });
  const measured = precisionText(rule.id, href);
  if (measured) about.push({ text: measured });
  if (rule.live) about.push({ text: `Reported only by \`pgsafe check --database-url <url>\`, which reads the live database (read-only): see [check with a live database](${href('../commands/check.md#with-a-live-database---database-url')}).` });
  out.push({ title: '', blocks: about });

  if (rule.live) {
    out.push({
      title: 'Example',
      blocks: [
        { text: 'On a database holding these rows:' },
        { code: example.liveSetup ?? '', lang: 'sql' },
        { text: 'this migration fails:' },
        { code: example.bad, lang: 'sql' },
        { text: `\`pgsafe check --database-url "$DATABASE_URL" ${EXAMPLE_FILE}\` reports it as \`${rule.id}\`, with the rows that make it fail.` },
      ],
    });
  } else {
    const command = exampleCommand(doc);
    out.push({
      title: 'Example',
      blocks: [{ code: example.bad, lang: 'sql' }, { text: `\`pgsafe ${command.args.join(' ')}\`:` }, { code: command.lines.join('\n'), lang: 'text' }],
    });
  }
  if (finding) {
    if (finding.lock) out.push({ title: 'Lock', blocks: [{ text: `**${finding.lock.mode}** on \`${finding.lock.table}\`: blocks ${finding.lock.blocks}; held for ${finding.lock.heldFor}.` }] });
    out.push({ title: 'Why it is dangerous', blocks: [{ text: finding.why }] });
    const safe: Block[] = [{ text: finding.recipe.summary }, { code: finding.recipe.sql, lang: 'sql' }];
    if (finding.recipe.versions) safe.push({ text: `PostgreSQL versions: ${finding.recipe.versions}` });
    out.push({ title: 'The safe way', blocks: safe });
  }
  const check = rule.live ? 'pgsafe check --database-url "$DATABASE_URL"' : ['pgsafe check', ...(rule.optIn ? ['--rule', rule.id] : []), ...flags].join(' ');
  out.push({ title: 'Passes', blocks: [{ code: example.good, lang: 'sql' }, { text: `\`${check} ${EXAMPLE_FILE}\` reports nothing for it.` }] });
  if (example.notes?.length) out.push({ title: 'Notes', blocks: example.notes.map((text) => ({ text })) });
  out.push({ title: 'Accepting it', blocks: accepting(doc) });
  return out;
}

function accepting({ rule }: RuleDoc): Block[] {
  const other = rule.severity === 'error' ? 'reports it without failing the check' : 'makes it fail the check';
  const config = { text: `In \`pgsafe.config.*\`, \`"rules": { "${rule.id}": "${rule.severity === 'error' ? 'warning' : 'error'}" }\` ${other} and \`"off"\` turns it off, for the project; \`--skip-rule ${rule.id}\` leaves it out of one run.` };
  if (rule.aboutIgnores) return [config];
  return [
    { text: 'When the danger is understood and accepted for one statement, say so on the line before it, with the reason (an ignore without a reason is not applied):' },
    { code: `-- pgsafe-ignore ${rule.id}: <why it is safe here>`, lang: 'sql' },
    { text: `\`-- pgsafe-ignore-file ${rule.id}: <reason>\` accepts it for the whole file.` },
    config,
  ];
}

const percent = (f: PrecisionFigure) => `${Math.round((100 * f.true) / Math.max(1, f.true + f.false + f.debatable))}%`;

/** "Precision on real migrations: ..." for a rule the precision bench measured (every rule that runs by default
 *  and reported something there); the opt-in rules give their figure in their notes. */
function precisionText(id: string, href: Href): string | undefined {
  const figures = PRECISION[id];
  if (!figures?.length) return undefined;
  const each = figures.map((f) => `${f.true} of ${f.true + f.false + f.debatable} sampled ${f.severity === 'error' ? 'errors' : 'warnings'} right (${percent(f)}; ${f.false} wrong, ${f.debatable} debatable)`);
  return `Precision on real migrations: ${each.join(', ')}, on ${PRECISION_RUN.projects} public migration histories (${PRECISION_RUN.files.toLocaleString('en-US')} files; [how it is measured](${href('../../bench/README.md#precision')}), [all rules](${href('../precision.md')})).`;
}

/** The page `docs/rules/<id>.md`; with `absoluteLinks`, its links work outside the repository (SARIF help). */
export function renderRuleMarkdown(doc: RuleDoc, options: { absoluteLinks?: boolean } = {}): string {
  const href = options.absoluteLinks ? absoluteHref : relativeHref;
  const lines = [`# ${doc.rule.id}`, ''];
  for (const section of sections(doc, href)) {
    if (section.title) lines.push(`## ${section.title}`, '');
    for (const block of section.blocks) {
      if ('code' in block) lines.push(`\`\`\`${block.lang}`, block.code.trimEnd(), '```', '');
      else lines.push(block.text, '');
    }
  }
  lines.push(`---`, '', `[All rules](${href('README.md')}) · generated from the rule and its examples (\`packages/core/src/rules/examples/${doc.rule.id}.ts\`) by \`pnpm docs:rules\``, '');
  return lines.join('\n');
}

/** The same page for a terminal (`pgsafe explain <rule-id>`). */
export function renderRuleText(doc: RuleDoc, c: Palette = noColor): string {
  const lines = [c.bold(`${doc.rule.id} (${doc.rule.severity === 'error' ? c.red(doc.rule.severity) : c.yellow(doc.rule.severity)})`), ''];
  for (const section of sections(doc, absoluteHref)) {
    if (section.title) lines.push(c.bold(section.title), '');
    for (const block of section.blocks) {
      if ('code' in block) lines.push(...block.code.trimEnd().split('\n').map((l) => `  ${c.dim('│')} ${l}`), '');
      else lines.push(...wrap(block.text.replace(/\*\*/g, '').replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)'), 100), '');
    }
  }
  lines.push(`${c.cyan('docs:')} ${ruleDocUrl(doc.rule.id)}`, '');
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current && current.length + word.length + 1 > width) {
      lines.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) lines.push(current);
  return lines;
}

/** The rules index, `docs/rules/README.md`. */
export function renderRuleIndex(docs: RuleDoc[]): string {
  const row = (d: RuleDoc) => `| [\`${d.rule.id}\`](${d.rule.id}.md) | ${d.rule.severity}${d.rule.optIn ? ' (opt-in)' : ''} | ${d.rule.summary.replace(/\|/g, '\\|')} |`;
  const table = (list: RuleDoc[]) => ['| rule | severity | what it catches |', '|---|---|---|', ...list.map(row)];
  return [
    '# Rules',
    '',
    'Each page shows what the rule catches, a migration it reports with the real finding, the lock, why it is',
    'dangerous, the safe way (written for the example\'s own tables), the PostgreSQL versions it depends on, a migration',
    'that passes, and how to accept it. `pgsafe explain <rule>` prints the same page in the terminal;',
    '`pgsafe check --list-rules` lists them.',
    '',
    ...table(docs.filter((d) => !d.rule.aboutIgnores && !d.rule.live)),
    '',
    `How often each rule was right on ${PRECISION_RUN.projects} real public migration histories: [precision](../precision.md).`,
    '',
    '## About `pgsafe-ignore` comments',
    '',
    ...table(docs.filter((d) => d.rule.aboutIgnores)),
    '',
    '## With a live database',
    '',
    ...table(docs.filter((d) => d.rule.live)),
    '',
    'Every squawk 2.66 rule has a counterpart with the same id, and so does every strong_migrations check that applies to',
    'SQL migrations on PostgreSQL (adding-exclusion-constraint, prefer-jsonb, renaming-schema, index-too-many-columns,',
    'and the ones squawk shares). Each rule lives in `packages/core/src/rules/<id>.ts` with its tests beside it: a',
    'snapshot of the finding as printed, the safe forms that must pass, and an end-to-end test on real PostgreSQL with',
    'rows in the table that shows the danger is real and the recipe avoids it. Its page is generated from the rule and',
    'its examples (`packages/core/src/rules/examples/<id>.ts`) by `pnpm docs:rules`; a test fails when a page is stale.',
    '',
  ].join('\n');
}

/** The whole sample's figures, with those of the first run of the bench (before issue 22's rule changes). */
function overall(): string {
  const all = Object.values(PRECISION).flat();
  const sum = (k: 'true' | 'false' | 'debatable') => all.reduce((n, f) => n + f[k], 0);
  const [t, f, d] = [sum('true'), sum('false'), sum('debatable')];
  const pct = (a: number, b: number) => `${Math.round((100 * a) / Math.max(1, b))}%`;
  return [
    `Overall, on the sample: ${t} true, ${f} false, ${d} debatable of ${t + f + d} judged: ${pct(t, t + f + d)} (${pct(t, t + f)} without the debatable`,
    'ones). Before issue 22 (pgsafe at `1028a81`, 20,538 findings): 242 true, 242 false, 190 debatable of 674 judged, 36% (50%',
    'without the debatable ones).',
  ].join('\n');
}

/** `docs/precision.md`: every rule's figures from the precision bench, in one table. */
export function renderPrecisionPage(docs: RuleDoc[]): string {
  const rows: string[] = [];
  for (const d of docs) {
    for (const f of PRECISION[d.rule.id] ?? []) {
      const target = f.severity === 'error' ? 90 : 75;
      const judged = f.true + f.false + f.debatable;
      const met = (100 * f.true) / Math.max(1, judged) >= target ? 'yes' : 'no';
      rows.push(`| [\`${d.rule.id}\`](rules/${d.rule.id}.md) | ${f.severity} | ${f.findings.toLocaleString('en-US')} | ${judged} | ${f.true} | ${f.false} | ${f.debatable} | ${percent(f)} | ${met} |`);
    }
  }
  const optIn = docs.filter((d) => d.rule.optIn && !PRECISION[d.rule.id]).map((d) => `[\`${d.rule.id}\`](rules/${d.rule.id}.md)`);
  return [
    '# Precision: how often each rule is right',
    '',
    `Measured by \`bench/precision\` (how: [bench/README.md](../bench/README.md#precision)) on ${PRECISION_RUN.projects} real public`,
    `migration histories (${PRECISION_RUN.files.toLocaleString('en-US')} migration files: Prisma, knex, TypeORM, MikroORM, drizzle, diesel, goose,`,
    'sqlx, golang-migrate, flyway, refinery, popx and hand-run folders), checked with the default rules and the config its',
    "users would write (a flat folder's runner; harbor's deploy mode, below). For each",
    `rule and severity, up to ${PRECISION_RUN.perRule} findings drawn at random (seeded) were read as a senior DBA reviewing the migration`,
    "for the project's production database: true (the danger is real and the advice worth following), false (it cannot",
    'happen or does not matter, e.g. a table of a handful of rows), debatable (it depends on what the migration cannot',
    "show, e.g. whether the app is stopped for upgrades). Precision = true / judged. Targets: 90% for an error, 75% for a",
    `warning. Generated by \`pnpm docs:rules\` from the bench's figures of ${PRECISION_RUN.date}.`,
    '',
    '| rule | severity | findings | judged | true | false | debatable | precision | target met |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Opt-in rules (not run by default, so not in the run above; each page gives the figure that made it opt-in): ${optIn.join(', ')}.`,
    '',
    overall(),
    '',
    'Most of what keeps the size-dependent errors (index builds, validations, rewrites, backfills) under 90% are tables',
    'of a handful of rows (a settings row, a few configured registries) or tables created days earlier: only the live',
    'database knows a table is that small, and `check --database-url` and the ORM guards, which read it, let those',
    'through. Without a database these findings keep their severity (the lock is certain and the safe form costs',
    'little), and their why says that the table\'s rows decide and that `check --database-url` settles it; only where',
    'the history itself shows the table small or empty are they left out: a reference table its migrations fill with',
    'their own rows, a table an earlier migration of the same change (written hours before) created and left empty. A',
    'NOT NULL column without a default on a table created in the week before, which no migration put rows in, is a',
    'warning that asks whether the table has rows yet (adding-required-field). Most of what',
    'keeps the renames and drops under 90% is "debatable: the app is stopped for upgrades": self-hosted projects whose',
    'old code may never run against the new schema. Such a project says `deploy: "stop-the-app"` in its',
    '[configuration](configuration.md) and these rules stay quiet; the run above uses the default (`rolling`) for every',
    "project but harbor, whose upgrade guide stops the running instance before the new one migrates the schema.",
    '',
  ].join('\n');
}
