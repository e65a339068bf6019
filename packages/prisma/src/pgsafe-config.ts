/** The project's pgsafe.config.* (rules, pgVersion, run policy), found upward from the working directory. */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateConfig, type PgsafeConfig } from '@pgsafe/core';

export async function loadPgsafeConfig(cwd: string, explicit?: string): Promise<PgsafeConfig> {
  const file = explicit ? resolve(cwd, explicit) : resolve(cwd, 'pgsafe.config.json');
  if (!existsSync(file)) return {};
  return validateConfig(JSON.parse(readFileSync(file, 'utf8')), file);
}
