/** Commander parsers for option values shared by the commands: a bad value is a usage error (exit 2) naming it. */
import { InvalidArgumentError } from 'commander';
import { NEWEST_PG_VERSION, OLDEST_PG_VERSION, parseDuration } from '@pgsafe/core';

/** `500ms`, `2s`, `1min`, ... in milliseconds. */
export function durationArg(value: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export function countArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number >= 0');
  return n;
}

/** A duration checked but kept as written: `pgsafe fix` puts it into the SQL it writes (`SET lock_timeout = '2s'`). */
export function durationTextArg(value: string): string {
  try {
    parseDuration(value);
  } catch {
    throw new InvalidArgumentError('expected a duration such as 2s, 500ms or 1min');
  }
  return value;
}

/** A timeout pgsafe writes into a migration: 0 would mean "no timeout", which is what the setting is there to avoid
 *  (pgsafe check rejects it). */
export function timeoutTextArg(value: string): string {
  durationTextArg(value);
  if (parseDuration(value) <= 0) throw new InvalidArgumentError('expected a duration above 0 (0 turns the timeout off), such as 2s or 500ms');
  return value;
}

export function positiveArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return n;
}

export function pgVersionArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < OLDEST_PG_VERSION || n > NEWEST_PG_VERSION) {
    throw new InvalidArgumentError(`expected a PostgreSQL major version from ${OLDEST_PG_VERSION} to ${NEWEST_PG_VERSION}`);
  }
  return n;
}
