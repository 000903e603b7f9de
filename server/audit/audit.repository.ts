import type { Queryable } from '../db/database.ts';

export interface AuditEntry {
  userId?: number | null;
  username?: string | null;
  action: string;
  entityType?: string | null;
  entityId?: string | null;
  versionBefore?: number | null;
  versionAfter?: number | null;
  outcome?: 'ok' | 'refused';
  ip?: string | null;
  details?: unknown;
}

export interface AuditRow {
  id: number;
  at: Date;
  user_id: number | null;
  username: string | null;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  version_before: number | null;
  version_after: number | null;
  outcome: 'ok' | 'refused';
  ip: string | null;
  details: unknown;
}

/** The append-only audit trail. Writes go in the same transaction as the change they describe. */
export class AuditRepository {
  constructor(private readonly db: Queryable) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_log (user_id, username, action, entity_type, entity_id, version_before, version_after, outcome, ip, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        entry.userId ?? null,
        entry.username ?? null,
        entry.action,
        entry.entityType ?? null,
        entry.entityId ?? null,
        entry.versionBefore ?? null,
        entry.versionAfter ?? null,
        entry.outcome ?? 'ok',
        entry.ip ?? null,
        entry.details === undefined ? null : JSON.stringify(entry.details),
      ],
    );
  }

  async list(filter: { entityType?: string; entityId?: string; limit: number; offset: number }): Promise<AuditRow[]> {
    const result = await this.db.query<AuditRow>(
      `SELECT * FROM audit_log
       WHERE ($1::text IS NULL OR entity_type = $1) AND ($2::text IS NULL OR entity_id = $2)
       ORDER BY id DESC LIMIT $3 OFFSET $4`,
      [filter.entityType ?? null, filter.entityId ?? null, filter.limit, filter.offset],
    );
    return result.rows;
  }
}
