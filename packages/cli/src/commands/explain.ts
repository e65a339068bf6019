import { Command } from 'commander';
import { renderRuleMarkdown, renderRuleText, ruleDoc, ruleInfos } from '@pgsafe/core';
import { colorEnabled, palette } from '../color.js';

interface ExplainOptions {
  markdown?: boolean;
  color?: boolean;
}

/** `pgsafe explain <rule>`: a rule's page (docs/rules/<rule>.md) in the terminal. */
export function explainCommand(): Command {
  return new Command('explain')
    .description("Explain a rule: what it catches, an example with the finding pgsafe check prints for it, the lock, why it is dangerous, the safe way, the PostgreSQL versions it depends on, and how to accept it.")
    .argument('[rule]', 'a rule id (without one: the list of rules)')
    .option('--markdown', 'print the page as markdown, as in docs/rules/<rule>.md')
    .option('--no-color', 'never color the output')
    .addHelpText('after', '\nExamples:\n  pgsafe explain adding-required-field\n  pgsafe explain require-lock-timeout --markdown > require-lock-timeout.md')
    .action(async (id: string | undefined, options: ExplainOptions, cmd: Command) => {
      const infos = ruleInfos();
      if (id === undefined) {
        const width = Math.max(...infos.map((r) => r.id.length));
        process.stdout.write(`${infos.map((r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.summary}`).join('\n')}\n\npgsafe explain <rule> explains one.\n`);
        return;
      }
      if (!infos.some((r) => r.id === id)) {
        const near = infos.filter((r) => r.id.includes(id) || id.includes(r.id) || r.id.split('-').some((w) => w.length > 3 && id.includes(w))).map((r) => r.id);
        cmd.error(`error: unknown rule ${id}${near.length ? ` (did you mean ${near.slice(0, 5).join(', ')}?)` : ''}; pgsafe explain lists them`, { exitCode: 2 });
      }
      const doc = await ruleDoc(id);
      process.stdout.write(options.markdown ? renderRuleMarkdown(doc) : renderRuleText(doc, palette(colorEnabled(process.stdout, options.color))));
    });
}
