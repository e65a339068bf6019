/** Commander parsers for option values shared by the commands: a bad value is a usage error (exit 2) naming it. */
import { InvalidArgumentError } from 'commander';
import { parseDuration } from '@pgsafe/core';

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
