/** `check --database-url`: one read-only session for the whole run; each file's findings get the live facts. */
import { applyLiveFacts, connectionTarget, gatherFacts, ReadOnlySession, redactConnectionString, type LiveCheckOptions, type LiveTable, type Severity } from '@pgsafe/core';
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
 *  `summary.live`. */
export async function openLiveCheck(
  url: string,
  options: LiveCheckOptions,
  summary: CheckSummary,
  severities: Record<string, Severity | 'off'>,
  onWarning: (message: string) => void,
): Promise<LiveCheck> {
  const db = await ReadOnlySession.open(url, { statementTimeoutMs: Math.max(5000, options.countTimeoutMs ?? 0) });
  const major = Math.floor(db.serverVersionNum / 10000);
  const live: NonNullable<CheckSummary['live']> = { server: db.serverVersion, pgVersion: major, target: connectionTarget(url), dropped: [], downgraded: [], facts: [] };
  summary.live = live;
  const tables = new Map<string, LiveTable[]>();
  return {
    major,
    tables,
    async enrich(migration, findings) {
      let facts;
      try {
        facts = await gatherFacts(db, migration, options);
      } catch (error) {
        // The static findings stand; only the live facts of this file are missing (e.g. no SELECT privilege).
        onWarning(`${migration.file}: no live facts: ${redactConnectionString((error as Error).message)}`);
        return findings;
      }
      tables.set(migration.file, facts.tables);
      const applied = applyLiveFacts(migration, findings, facts, { severities });
      live.dropped.push(...applied.dropped);
      live.downgraded.push(...applied.downgraded);
      for (const u of applied.unattached) live.facts.push({ file: migration.file, line: migration.statements[u.statement]!.start.line, facts: u.facts });
      return applied.findings;
    },
    close: () => db.close(),
  };
}
