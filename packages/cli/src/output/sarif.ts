import { renderRuleMarkdown, ruleDocUrl, type Finding, type RuleDoc } from '@pgsafe/core';
import type { CheckSummary } from '../check-run.js';
import type { ChunkedWriter } from './writer.js';
import { inRepository } from './repo-path.js';
import { pathToFileURL } from 'node:url';

/** SARIF 2.1.0, for GitHub code scanning (upload with github/codeql-action/upload-sarif). */
export class SarifReporter {
  #results: object[] = [];

  constructor(
    private readonly out: ChunkedWriter,
    private readonly version: string,
    private readonly root: string | undefined,
    /** Every rule's page: its descriptor links to it and carries it as help. */
    private readonly docs: RuleDoc[],
  ) {}

  /** A repository-relative URI against %SRCROOT% (as code scanning expects), or the path as given outside it. */
  #artifact(file: string): object {
    const rel = inRepository(file, this.root);
    return rel === undefined ? { uri: file.split('\\').join('/') } : { uri: rel, uriBaseId: '%SRCROOT%' };
  }

  finding(f: Finding): void {
    this.#results.push({
      ruleId: f.rule,
      level: f.severity,
      message: { text: `${f.message}\n${f.why}\nFix: ${f.recipe.summary}\n${f.recipe.sql}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: this.#artifact(f.file),
            region: { startLine: f.start.line, startColumn: f.start.column, endLine: f.statement.end.line, endColumn: f.statement.end.column },
          },
        },
      ],
    });
  }

  end(s: CheckSummary): void {
    const descriptors = this.docs.map((doc) => ({
      id: doc.rule.id,
      shortDescription: { text: doc.rule.summary },
      helpUri: ruleDocUrl(doc.rule.id),
      help: { text: `${doc.rule.summary} ${ruleDocUrl(doc.rule.id)}`, markdown: renderRuleMarkdown(doc, { absoluteLinks: true }) },
      defaultConfiguration: { level: doc.rule.severity },
    }));
    const notifications = s.errors.map((e) => ({
      level: 'error',
      message: { text: e.message },
      locations: [{ physicalLocation: { artifactLocation: this.#artifact(e.file), ...(e.line ? { region: { startLine: e.line, startColumn: e.column } } : {}) } }],
    }));
    const log = {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'pgsafe', version: this.version, rules: descriptors } },
          ...(this.root ? { originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(this.root + '/').href } } } : {}),
          results: this.#results,
          invocations: [{ executionSuccessful: s.errors.length === 0, toolExecutionNotifications: notifications }],
        },
      ],
    };
    this.out.write(`${JSON.stringify(log, null, 2)}\n`);
    this.out.flush();
  }
}
