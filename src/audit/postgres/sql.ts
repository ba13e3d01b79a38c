/** Quotes an SQL identifier (schema names come from configuration, never from a request). */
export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Schema names accepted in configuration: plain identifiers, so they can also name locks and roles. */
export const schemaNamePattern = /^[a-z_][a-z0-9_]{0,62}$/;

/** The fully qualified names of the audit objects in one schema. */
export const auditTables = (schema: string) => {
  const s = ident(schema);
  return {
    schema: s,
    events: `${s}.audit_events`,
    checkpoints: `${s}.audit_checkpoints`,
    migrations: `${s}.audit_migrations`,
    ensurePartition: `${s}.audit_ensure_partition`,
  };
};
