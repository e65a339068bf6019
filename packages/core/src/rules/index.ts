import type { Rule } from '../rule.js';
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
import indexTooManyColumns from './index-too-many-columns.js';
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
import validateConstraintInSameTransaction from './validate-constraint-in-same-transaction.js';

/** Every rule, in id order. A rule's id is its file name. */
export const rules: readonly Rule[] = [
  addingExclusionConstraint,
  addingFieldWithDefault,
  addingForeignKeyConstraint,
  addingNotNullableField,
  addingRequiredField,
  addingSerialPrimaryKeyField,
  backfillInSchemaMigration,
  banAlterDomainWithAddConstraint,
  banCharField,
  banConcurrentIndexCreationInTransaction,
  banCreateDomainWithConstraint,
  banDropColumn,
  banDropDatabase,
  banDropNotNull,
  banDropTable,
  banTruncateCascade,
  banUncommittedTransaction,
  changingColumnType,
  collationDependentUnique,
  constraintMissingNotValid,
  disallowedUniqueConstraint,
  enumValueInTransaction,
  foreignKeyMissingIndex,
  identifierTooLong,
  indexTooManyColumns,
  lockQueueRisk,
  preferBigintOverInt,
  preferBigintOverSmallint,
  preferIdentity,
  preferJsonb,
  preferRepack,
  preferRobustStmts,
  preferTextField,
  preferTimestampTz,
  renamingColumn,
  renamingSchema,
  renamingTable,
  requireConcurrentIndexCreation,
  requireConcurrentIndexDeletion,
  requireConcurrentPartitionDetach,
  requireConcurrentReindex,
  requireEnumValueOrdering,
  requireLockTimeout,
  requireStatementTimeout,
  requireTableSchema,
  requireTimeoutSettings,
  transactionNesting,
  validateConstraintInSameTransaction,
];
