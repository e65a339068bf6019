import { compactLine } from '../report/compact.js';
import { noColor, type Palette } from '../report/pretty.js';
import { exampleFlags } from './example.js';
import { EXAMPLE_FILE, type RuleDoc } from './rule-doc.js';
import { DOCS_URL, ruleDocUrl } from './url.js';

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
        { text: `\`pgsafe check --database-url "$DATABASE_URL" migration.sql\` reports it as \`${rule.id}\`, with the rows that make it fail.` },
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
  const config = { text: `In \`pgsafe.config.*\`, \`"rules": { "${rule.id}": "${rule.severity === 'error' ? 'warning' : 'off'}" }\` changes its severity for the project (\`"off"\` turns it off); \`--skip-rule ${rule.id}\` leaves it out of one run.` };
  if (rule.aboutIgnores) return [config];
  return [
    { text: 'When the danger is understood and accepted for one statement, say so on the line before it, with the reason (an ignore without a reason is not applied):' },
    { code: `-- pgsafe-ignore ${rule.id}: <why it is safe here>`, lang: 'sql' },
    { text: `\`-- pgsafe-ignore-file ${rule.id}: <reason>\` accepts it for the whole file.` },
    config,
  ];
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

