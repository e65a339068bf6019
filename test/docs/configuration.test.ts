/** docs/configuration.md: its examples load as configs, and its table names exactly the keys pgsafe knows. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Tokens } from 'marked';
import { loadConfig, validateConfig } from '@pgsafe/core';
import { tokens } from './markdown.js';

const DOC = 'docs/configuration.md';
const blocks = tokens(DOC).filter((t): t is Tokens.Code => t.type === 'code');

/** The keys validateConfig lists when it refuses an unknown one. */
function knownKeys(config: object, prefix = ''): string[] {
  try {
    validateConfig(config, 'pgsafe.config.json');
  } catch (error) {
    return /\(known: ([^)]*)\)/.exec((error as Error).message)![1]!.split(', ').map((k) => `${prefix}${k}`);
  }
  throw new Error('an unknown key was accepted');
}

describe(DOC, () => {
  it.each(blocks.map((b) => [b.lang!, b.text] as const))('the %s example loads as pgsafe.config', async (lang, text) => {
    const dir = mkdtempSync(join(tmpdir(), 'pgsafe-config-doc-'));
    writeFileSync(join(dir, `pgsafe.config.${lang}`), text);
    const { config } = await loadConfig(dir);
    expect(config.pgVersion).toBe(15);
    expect(config.rules?.['renaming-table']).toBe('warning');
    expect(config.run?.lockTimeout).toBe('1s');
  });

  it('its table names every key pgsafe knows, and no other', () => {
    const table = tokens(DOC).find((t): t is Tokens.Table => t.type === 'table')!;
    const documented = table.rows.map((row) => row[0]!.text.replace(/`/g, '')).sort();
    const known = [...knownKeys({ unknownKey: 1 }), ...knownKeys({ run: { unknownKey: 1 } }, 'run.')].filter((k) => k !== 'run').sort();
    expect(documented).toEqual(known);
  });
});
