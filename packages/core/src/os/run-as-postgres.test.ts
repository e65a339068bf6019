import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { firstDirClosedTo } from './run-as-postgres.js';

describe('firstDirClosedTo', () => {
  const root = mkdtempSync(join(tmpdir(), 'pgsafe-reach-'));
  chmodSync(root, 0o755);
  const closed = join(root, 'home');
  const inner = join(closed, 'project', 'node_modules');
  mkdirSync(inner, { recursive: true });
  chmodSync(closed, 0o700);
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const stranger = { uid: 54_321, gid: 54_321 };

  it('names the outermost directory another user may not enter', () => {
    expect(firstDirClosedTo(inner, stranger)).toBe(closed);
    expect(firstDirClosedTo(inner, undefined)).toBe(closed);
    // A file's own mode does not matter: only the directories on the way to it.
    expect(firstDirClosedTo(join(root, 'home'), stranger)).toBe(closed);
  });

  it('lets the owner and the group in where their bits allow, and passes open paths', () => {
    const { uid, gid } = statSync(closed);
    expect(firstDirClosedTo(inner, { uid, gid: 54_321 })).toBeUndefined();
    chmodSync(closed, 0o710);
    expect(firstDirClosedTo(inner, { uid: 54_321, gid })).toBeUndefined();
    expect(firstDirClosedTo(inner, stranger)).toBe(closed);
    chmodSync(closed, 0o711);
    expect(firstDirClosedTo(inner, stranger)).toBeUndefined();
  });
});
