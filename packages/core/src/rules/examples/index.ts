import type { RuleExample } from '../../rule-docs/example.js';
import addingExclusionConstraint from './adding-exclusion-constraint.js';
import addingFieldWithDefault from './adding-field-with-default.js';
import addingForeignKeyConstraint from './adding-foreign-key-constraint.js';
import addingNotNullableField from './adding-not-nullable-field.js';
import addingRequiredField from './adding-required-field.js';
import addingSerialPrimaryKeyField from './adding-serial-primary-key-field.js';
import backfillInSchemaMigration from './backfill-in-schema-migration.js';
import banAlterDomainWithAddConstraint from './ban-alter-domain-with-add-constraint.js';
import banCharField from './ban-char-field.js';
import banConcurrentIndexCreationInTransaction from './ban-concurrent-index-creation-in-transaction.js';
import banCreateDomainWithConstraint from './ban-create-domain-with-constraint.js';
import banDropColumn from './ban-drop-column.js';
import banDropDatabase from './ban-drop-database.js';
import banDropNotNull from './ban-drop-not-null.js';
import banDropTable from './ban-drop-table.js';
import banTruncateCascade from './ban-truncate-cascade.js';
import banUncommittedTransaction from './ban-uncommitted-transaction.js';
import changingColumnType from './changing-column-type.js';
import collationDependentUnique from './collation-dependent-unique.js';
import constraintMissingNotValid from './constraint-missing-not-valid.js';
import disallowedUniqueConstraint from './disallowed-unique-constraint.js';
import enumValueInTransaction from './enum-value-in-transaction.js';
import foreignKeyMissingIndex from './foreign-key-missing-index.js';
import identifierTooLong from './identifier-too-long.js';
import ignoreWithoutReason from './ignore-without-reason.js';
import indexTooManyColumns from './index-too-many-columns.js';
import liveDataViolation from './live-data-violation.js';
import lockQueueRisk from './lock-queue-risk.js';
import preferBigintOverInt from './prefer-bigint-over-int.js';
import preferBigintOverSmallint from './prefer-bigint-over-smallint.js';
import preferIdentity from './prefer-identity.js';
import preferJsonb from './prefer-jsonb.js';
import preferRepack from './prefer-repack.js';
import preferRobustStmts from './prefer-robust-stmts.js';
import preferTextField from './prefer-text-field.js';
import preferTimestampTz from './prefer-timestamp-tz.js';
import renamingColumn from './renaming-column.js';
import renamingSchema from './renaming-schema.js';
import renamingTable from './renaming-table.js';
import requireConcurrentIndexCreation from './require-concurrent-index-creation.js';
import requireConcurrentIndexDeletion from './require-concurrent-index-deletion.js';
import requireConcurrentPartitionDetach from './require-concurrent-partition-detach.js';
import requireConcurrentReindex from './require-concurrent-reindex.js';
import requireEnumValueOrdering from './require-enum-value-ordering.js';
import requireLockTimeout from './require-lock-timeout.js';
import requireStatementTimeout from './require-statement-timeout.js';
import requireTableSchema from './require-table-schema.js';
import requireTimeoutSettings from './require-timeout-settings.js';
import transactionNesting from './transaction-nesting.js';
import unusedIgnore from './unused-ignore.js';
import validateConstraintInSameTransaction from './validate-constraint-in-same-transaction.js';

/** Each rule's documentation examples, by rule id (one file per rule, named after it). */
export const examples: Readonly<Record<string, RuleExample>> = {
  'adding-exclusion-constraint': addingExclusionConstraint,
  'adding-field-with-default': addingFieldWithDefault,
  'adding-foreign-key-constraint': addingForeignKeyConstraint,
  'adding-not-nullable-field': addingNotNullableField,
  'adding-required-field': addingRequiredField,
  'adding-serial-primary-key-field': addingSerialPrimaryKeyField,
  'backfill-in-schema-migration': backfillInSchemaMigration,
  'ban-alter-domain-with-add-constraint': banAlterDomainWithAddConstraint,
  'ban-char-field': banCharField,
  'ban-concurrent-index-creation-in-transaction': banConcurrentIndexCreationInTransaction,
  'ban-create-domain-with-constraint': banCreateDomainWithConstraint,
  'ban-drop-column': banDropColumn,
  'ban-drop-database': banDropDatabase,
  'ban-drop-not-null': banDropNotNull,
  'ban-drop-table': banDropTable,
  'ban-truncate-cascade': banTruncateCascade,
  'ban-uncommitted-transaction': banUncommittedTransaction,
  'changing-column-type': changingColumnType,
  'collation-dependent-unique': collationDependentUnique,
  'constraint-missing-not-valid': constraintMissingNotValid,
  'disallowed-unique-constraint': disallowedUniqueConstraint,
  'enum-value-in-transaction': enumValueInTransaction,
  'foreign-key-missing-index': foreignKeyMissingIndex,
  'identifier-too-long': identifierTooLong,
  'ignore-without-reason': ignoreWithoutReason,
  'index-too-many-columns': indexTooManyColumns,
  'live-data-violation': liveDataViolation,
  'lock-queue-risk': lockQueueRisk,
  'prefer-bigint-over-int': preferBigintOverInt,
  'prefer-bigint-over-smallint': preferBigintOverSmallint,
  'prefer-identity': preferIdentity,
  'prefer-jsonb': preferJsonb,
  'prefer-repack': preferRepack,
  'prefer-robust-stmts': preferRobustStmts,
  'prefer-text-field': preferTextField,
  'prefer-timestamp-tz': preferTimestampTz,
  'renaming-column': renamingColumn,
  'renaming-schema': renamingSchema,
  'renaming-table': renamingTable,
  'require-concurrent-index-creation': requireConcurrentIndexCreation,
  'require-concurrent-index-deletion': requireConcurrentIndexDeletion,
  'require-concurrent-partition-detach': requireConcurrentPartitionDetach,
  'require-concurrent-reindex': requireConcurrentReindex,
  'require-enum-value-ordering': requireEnumValueOrdering,
  'require-lock-timeout': requireLockTimeout,
  'require-statement-timeout': requireStatementTimeout,
  'require-table-schema': requireTableSchema,
  'require-timeout-settings': requireTimeoutSettings,
  'transaction-nesting': transactionNesting,
  'unused-ignore': unusedIgnore,
  'validate-constraint-in-same-transaction': validateConstraintInSameTransaction,
};
