import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import GithubSlugger from 'github-slugger';
import { describe, expect, it } from 'vitest';
import type { Tokens } from 'marked';
import { markdownFiles, REPO, repoPath, tokens } from './markdown.js';

/** The anchors GitHub gives a file's headings (and explicit <a id> / <a name> targets). */
function anchors(file: string): Set<string> {
  const slugger = new GithubSlugger();
  const found = new Set<string>();
  for (const t of tokens(file)) {
    if (t.type === 'heading') found.add(slugger.slug((t as Tokens.Heading).text.replace(/`/g, '')));
    if (t.type === 'html') for (const m of t.raw.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) found.add(m[1]!);
  }
  return found;
}

describe('documentation links', () => {
  const files = markdownFiles();

  it('finds the documentation', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('docs/README.md');
  });

  it.each(files)('every relative link of %s points at a file (and heading) that exists', (file) => {
    const broken: string[] = [];
    for (const t of tokens(file)) {
      if (t.type !== 'link' && t.type !== 'image') continue;
      const href = (t as Tokens.Link).href;
      if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue; // http:, https:, mailto:
      const [path, anchor] = href.split('#') as [string, string | undefined];
      const target = path ? repoPath(join(dirname(join(REPO, file)), decodeURIComponent(path))) : file;
      if (!existsSync(join(REPO, target))) {
        broken.push(`${href}: no file ${target}`);
        continue;
      }
      if (anchor && target.endsWith('.md') && statSync(join(REPO, target)).isFile() && !anchors(target).has(anchor)) broken.push(`${href}: no heading #${anchor} in ${target}`);
    }
    expect(broken).toEqual([]);
  });
});
