import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { globSync } from 'tinyglobby';
import { Lexer, type Token, type Tokens } from 'marked';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Every markdown file users read: the READMEs, docs/, the packages' and examples' READMEs. */
export function markdownFiles(): string[] {
  return globSync(['README.md', 'docs/**/*.md', 'packages/*/README.md', 'examples/*/README.md', 'bench/README.md'], { cwd: REPO, ignore: ['**/node_modules/**'] }).sort();
}

export function read(file: string): string {
  return readFileSync(join(REPO, file), 'utf8');
}

/** The file's tokens, nested ones included (links inside tables, lists and emphasis). */
export function tokens(file: string): Token[] {
  const all: Token[] = [];
  const walk = (list: Token[]) => {
    for (const t of list) {
      all.push(t);
      const children = (t as { tokens?: Token[] }).tokens;
      if (children) walk(children);
      if (t.type === 'list') for (const item of (t as Tokens.List).items) walk(item.tokens);
      if (t.type === 'table') {
        const table = t as Tokens.Table;
        for (const cell of [...table.header, ...table.rows.flat()]) walk(cell.tokens);
      }
    }
  };
  walk(Lexer.lex(read(file)));
  return all;
}

export function repoPath(absolute: string): string {
  return relative(REPO, absolute).split('\\').join('/');
}
