/** Where the rule pages are published: the repository's docs/ folder on GitHub. */
export const DOCS_URL = 'https://github.com/pgsafe/pgsafe/blob/main/docs';

/** The page of one rule (`docs/rules/<id>.md`), linked from pretty output and SARIF. */
export function ruleDocUrl(id: string): string {
  return `${DOCS_URL}/rules/${id}.md`;
}
