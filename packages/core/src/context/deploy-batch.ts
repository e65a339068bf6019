/**
 * DeployBatch: the pending migrations of one deploy, judged as one batch in the schema they build up (a table an
 * earlier migration of the batch created is new and, unless rows were put in it, empty) and against the live sizes
 * of the tables they touch. `pgsafe run`, `pgsafe prisma migrate deploy` and the ORM guards all judge through it.
 */
import type { ParsedMigration } from '../parse.js';
import { analyze, type AnalyzeRunOptions } from '../analyze.js';
import { SchemaModel } from '../schema-model.js';
import type { Finding } from '../finding.js';
import { SchemaState } from './schema-state.js';
import { judgeBySize, type PassedFinding, type SizeGateOptions } from './size-gate.js';

/** Default of `run.largeTableRows`: see bench/README.md ("large-table threshold") for the measurement. */
export const LARGE_TABLE_ROWS = 100_000;

export interface Judged {
  findings: Finding[];
  /** Findings the deploy's context let through, with the reason. */
  passed: PassedFinding[];
}

export class DeployBatch {
  readonly state = new SchemaState();

  constructor(private readonly options: SizeGateOptions) {}

  /** Judges the next migration of the batch, whole (`analyze` options as its runner runs it). */
  async judge(name: string, migration: ParsedMigration, options: AnalyzeRunOptions = {}): Promise<Judged> {
    const schema = this.begin(name);
    for (const stmt of migration.statements) this.state.apply(stmt);
    return judgeBySize(migration, analyze(migration, { ...options, schema }), schema, this.options);
  }

  /** Starts the next migration; the caller applies its statements to `state` (a guard, one at a time). */
  begin(name: string): SchemaModel {
    this.state.beginMigration(name, true);
    return new SchemaModel(this.state);
  }

  /** Judges `findings` of the current migration (of `migration`, its statements so far) by the sizes. */
  gate(migration: ParsedMigration, findings: Finding[], schema: SchemaModel, live?: Pick<SizeGateOptions, 'sizes' | 'nameTaken' | 'estimateRows'>): Promise<Judged> {
    return judgeBySize(migration, findings, schema, { ...this.options, ...live });
  }
}
