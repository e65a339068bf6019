// The statements of a synthetic migration history, shaped as ORMs write them, shared by the benches that grow it
// (linear-cost) or deploy it through each adapter (real-deploy/overhead), so both measure the same work.

/** n statements: per table CREATE TABLE, ADD COLUMN, CREATE INDEX, ADD CHECK, INSERT, COMMENT. */
export function ormStatements(n) {
  const out = [];
  for (let i = 0; out.length < n; i++) {
    const t = `t${i}`;
    out.push(`CREATE TABLE ${t} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, owner_id bigint, name text, created_at timestamptz NOT NULL DEFAULT now())`);
    out.push(`ALTER TABLE ${t} ADD COLUMN note text`);
    out.push(`CREATE INDEX ${t}_owner_idx ON ${t} (owner_id)`);
    out.push(`ALTER TABLE ${t} ADD CONSTRAINT ${t}_name_check CHECK (name <> '')`);
    out.push(`INSERT INTO ${t} (owner_id, name) VALUES (1, 'a')`);
    out.push(`COMMENT ON TABLE ${t} IS 'table ${i}'`);
  }
  return out.slice(0, n);
}
