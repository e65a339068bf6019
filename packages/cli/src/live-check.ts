/** `check --database-url`: one read-only session for the whole run; each file's findings get the live facts. */
import { applyLiveFacts, connectionTarget, gatherFacts, judgeBySize, LARGE_TABLE_ROWS, liveContext, ReadOnlySession, redactConnectionString, SchemaModel, type LiveCheckOptions, type LiveTable, type Severity } from '@pgsafe/core';
import type { CheckSummary, EnrichFindings } from './check-run.js';

export interface LiveCheck {
  /** The live server's major version. */
  major: number;
  enrich: EnrichFindings;
  /** The live tables each file touches, by file (for the HTML report). */
  tables: Map<string, LiveTable[]>;
  close(): Promise<void>;
}

/** Opens the read-only session (rejects with a redacted `ConnectionError`) and records dropped findings in
 *  `summary.live`. Size-dependent findings go through the size gate `pgsafe run` and the guards use (run.largeTableRows):
 *  let through on an empty table (listed as dropped, with why), a warning below the threshold, as the rule says above. */
export async function openLiveCheck(
  url: string,
  options: LiveCheckOptions,
  summary: CheckSummary,
  severities: Record<string, Severity | 'off'>,
  onWarning: (message: string) => void,
  largeTableRows = LARGE_TABLE_ROWS,
): Promise<LiveCheck> {
  const db = await ReadOnlySession.open(url, { statementTimeoutMs: Math.max(5000, options.countTimeoutMs ?? 0) });
  const major = Math.floor(db.serverVersionNum / 10000);
  const live: NonNullable<CheckSummary['live']> = { server: db.serverVersion, pgVersion: major, target: connectionTarget(url), dropped: [], downgraded: [], facts: [] };
  summary.live = live;
  const tables = new Map<string, LiveTable[]>();
  const gate = { largeTableRows, earlierMaybeApplied: true, ...liveContext((sql, params) => db.query(sql, params), largeTableRows) };
  return {
    major,
    tables,
    async enrich(migration, found, schema = new SchemaModel(migration.statements)) {
      let findings = found;
      try {
        const facts = await gatherFacts(db, migration, options);
        tables.set(migration.file, facts.tables);
        const applied = applyLiveFacts(migration, findings, facts, { severities });
        live.dropped.push(...applied.dropped);
        live.downgraded.push(...applied.downgraded);
        for (const u of applied.unattached) live.facts.push({ file: migration.file, line: migration.statements[u.statement]!.start.line, facts: u.facts });
        findings = applied.findings;
      } catch (error) {
        // The static findings stand, not gated either; only the live facts of this file are missing (e.g. no SELECT
        // privilege).
        onWarning(`${migration.file}: no live facts: ${redactConnectionString((error as Error).message)}`);
        return findings;
      }
      try {
        const judged = await judgeBySize(migration, findings, schema, gate);
        live.dropped.push(...judged.passed.map((p) => ({ finding: p.finding, reason: `let through: ${p.reason}` })));
        // An error the size gate lowered to a warning: its reason is the size it added to the finding's live facts.
        const errors = new Set(findings.filter((f) => f.severity === 'error').map((f) => `${f.rule}@${f.start.offset}`));
        for (const g of judged.findings) if (g.severity === 'warning' && errors.has(`${g.rule}@${g.start.offset}`)) live.downgraded.push({ finding: g, reason: g.live!.at(-1)!.text });
        return judged.findings;
      } catch (error) {
        onWarning(`${migration.file}: no table sizes: ${redactConnectionString((error as Error).message)}`);
        return findings;
      }
    },
    close: () => db.close(),
  };
}
