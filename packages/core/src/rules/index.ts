import type { Rule } from '../rule.js';
import addingRequiredField from './adding-required-field.js';
import requireConcurrentIndexCreation from './require-concurrent-index-creation.js';
import requireLockTimeout from './require-lock-timeout.js';

/** Every rule, in id order. A rule's id is its file name. */
export const rules: readonly Rule[] = [addingRequiredField, requireConcurrentIndexCreation, requireLockTimeout].sort((a, b) =>
  a.id.localeCompare(b.id),
);
