/** A rule's documentation examples, kept in `rules/examples/<id>.ts` beside the rule: the page and `pgsafe explain`
 *  run the rule on `bad` and show what it really reports, and a test checks both verdicts with `pgsafe check`. */
export interface RuleExample {
  /** A migration the rule reports (its first finding is the one the page shows). */
  bad: string;
  /** The same change made safely: `pgsafe check` reports nothing at all for it. */
  good: string;
  /** How both run, when not with the defaults; the page shows the `pgsafe check` flags they stand for. */
  options?: { pgVersion?: number; assumeInTransaction?: boolean };
  /** Markdown paragraphs worth knowing: when the rule does not report, what it cannot see. */
  notes?: string[];
  /** Rules that need `--database-url`: SQL that creates the tables and rows `bad` fails on (and `good` does not). */
  liveSetup?: string;
}

export function defineExample(example: RuleExample): RuleExample {
  return example;
}

/** The `pgsafe check` flags that stand for an example's options. */
export function exampleFlags(options: RuleExample['options'] = {}): string[] {
  return [...(options.pgVersion ? ['--pg-version', String(options.pgVersion)] : []), ...(options.assumeInTransaction ? ['--assume-in-transaction'] : [])];
}
