import { useEffect, useState } from 'react';
import { getJson } from '../api/http.ts';
import { useT } from '../i18n/index.tsx';
import { clusterDict } from './i18n.ts';

/** A 2025 commune as listed by GET /api/provinces/:code/communes. */
interface Commune {
  code: string;
  name: string;
}

const communeCache = new Map<string, Promise<Map<string, string>>>();
/** code → name of the communes of a 2025 unit (read once per unit). */
export function loadCommuneNames(unit: string): Promise<Map<string, string>> {
  let hit = communeCache.get(unit);
  if (!hit) {
    hit = getJson<{ communes: Commune[] }>(`/api/provinces/${encodeURIComponent(unit)}/communes`)
      .then((r) => new Map(r.communes.map((c) => [c.code, c.name])))
      .catch((err) => {
        communeCache.delete(unit);
        throw err;
      });
    communeCache.set(unit, hit);
  }
  return hit;
}

const nameCache = new Map<string, Promise<string>>();
function provinceName(era: '2009' | '2025', code: string): Promise<string> {
  const key = `${era}:${code}`;
  let hit = nameCache.get(key);
  if (!hit) {
    hit = getJson<{ properties: { name: string } }>(`/api/provinces/${encodeURIComponent(code)}?era=${era}`)
      .then((f) => f.properties.name)
      .catch(() => code);
    nameCache.set(key, hit);
  }
  return hit;
}

export interface DivisionFactsProps {
  /** the 2025 unit */
  provinceCode: string | null | undefined;
  /** the pre-2025 province, derived from the boundary (read-only) */
  provinceCode2009: string | null | undefined;
  /** 2025 communes the boundary lies in */
  communeCodes: readonly string[] | null | undefined;
}

/**
 * What the server derived from the boundary, each code with its era: the 2025 unit, the old province (history, the
 * 2020/2025 plan) and the 2025 communes (names looked up in the unit's commune list).
 */
export function DivisionFacts({ provinceCode, provinceCode2009, communeCodes }: DivisionFactsProps) {
  const t = useT(clusterDict);
  const [unitName, setUnitName] = useState<string | null>(null);
  const [oldName, setOldName] = useState<string | null>(null);
  const [communeNames, setCommuneNames] = useState<Map<string, string> | null>(null);

  useEffect(() => {
    let live = true;
    if (provinceCode) {
      void provinceName('2025', provinceCode).then((n) => live && setUnitName(n));
      loadCommuneNames(provinceCode).then((m) => live && setCommuneNames(m), () => live && setCommuneNames(null));
    }
    if (provinceCode2009) void provinceName('2009', provinceCode2009).then((n) => live && setOldName(n));
    return () => {
      live = false;
    };
  }, [provinceCode, provinceCode2009]);

  if (!provinceCode) return null;
  const communes = communeCodes ?? [];
  return (
    <dl className="ca-division" data-testid="division-facts">
      <dt>{t('division.unit')}</dt>
      <dd data-testid="division-unit">
        {provinceCode} {unitName ?? ''}
      </dd>
      <dt>{t('division.old')}</dt>
      <dd data-testid="division-old">{provinceCode2009 ? `${provinceCode2009} ${oldName ?? ''}` : t('division.pending')}</dd>
      <dt>{t('division.communes')}</dt>
      <dd data-testid="division-communes">
        {communes.length === 0 ? (
          <span className="muted">{t('division.pending')}</span>
        ) : (
          <ul className="ca-division__communes">
            {communes.map((c) => (
              <li key={c} data-commune-code={c}>
                {communeNames?.get(c) ?? c} <span className="muted">({c})</span>
              </li>
            ))}
          </ul>
        )}
      </dd>
    </dl>
  );
}
