import { useEffect, useRef, useState } from 'react';
import type { MultiPolygon, Polygon } from 'geojson';
import { ApiError, getJson, postJson, withQuery } from '../api/http.ts';
import { useLocale } from '../i18n/index.tsx';
import './analysis.css';

export type RuleOutcome = 'pass' | 'warn' | 'fail' | 'not-applicable';

export interface RuleResult {
  rule: string;
  result: RuleOutcome;
  message: string;
  message_en?: string;
  evidence: { value?: unknown; limit?: unknown; unit?: string | null; geometry_ids?: (string | number)[]; [k: string]: unknown };
  source: string | null;
}

export interface ConformityResponse {
  profile: string;
  results: RuleResult[];
  worst?: RuleOutcome;
  areas?: { area_ha: number; area_ha_vn2000: number | null; vn2000_epsg: number | null };
}

export interface ConformityPanelProps {
  /** A stored cluster (GET /api/clusters/:id/conformity)… */
  clusterId?: string | null;
  /** …or a geometry being drawn/imported with its attributes (POST /api/analysis/check, nothing saved). */
  geometry?: Polygon | MultiPolygon | null;
  attributes?: Record<string, unknown>;
  /** Regulation profile id; default: the one in force on the decision date. */
  profile?: string | null;
  /** Called when the user asks to see a rule's evidence on the map. */
  onShowEvidence?: (result: RuleResult) => void;
  /** Receives every new report (e.g. to highlight geometry on the map). */
  onResult?: (report: ConformityResponse | null) => void;
  /** Delay before re-checking a changing geometry (live while drawing). */
  debounceMs?: number;
}

const RULE_LABELS: Record<string, { vi: string; en: string }> = {
  'area-limit': { vi: 'Quy mô diện tích', en: 'Area limit' },
  'isolation-distance': { vi: 'Khoảng cách ly', en: 'Isolation distance' },
  'no-residents-inside': { vi: 'Không có dân cư bên trong', en: 'No residents inside' },
  'within-province': { vi: 'Nằm trong địa giới tỉnh', en: 'Within the province' },
  'no-overlap': { vi: 'Không chồng lấn cụm khác', en: 'No overlap' },
  'valid-geometry': { vi: 'Ranh giới hợp lệ', en: 'Valid boundary' },
  'name-prefix': { vi: 'Tên gọi', en: 'Name prefix' },
  infrastructure: { vi: 'Hạ tầng xử lý nước thải', en: 'Wastewater infrastructure' },
  'establishment-occupancy': { vi: 'Điều kiện thành lập (lấp đầy)', en: 'Establishment occupancy' },
  'expansion-occupancy': { vi: 'Điều kiện mở rộng (lấp đầy)', en: 'Expansion occupancy' },
};
const OUTCOME_LABELS: Record<RuleOutcome, { vi: string; en: string; icon: string }> = {
  pass: { vi: 'Đạt', en: 'Pass', icon: '✓' },
  warn: { vi: 'Cảnh báo', en: 'Warning', icon: '!' },
  fail: { vi: 'Không đạt', en: 'Fail', icon: '✕' },
  'not-applicable': { vi: 'Không áp dụng', en: 'Not applicable', icon: '–' },
};
const SEVERITY: Record<RuleOutcome, number> = { 'not-applicable': 0, pass: 1, warn: 2, fail: 3 };
/** Rules whose evidence is a place on the map. */
const SPATIAL_RULES = new Set(['isolation-distance', 'no-residents-inside', 'within-province', 'no-overlap', 'valid-geometry']);

export function worstOf(results: readonly RuleResult[]): RuleOutcome {
  return results.reduce<RuleOutcome>((w, r) => (SEVERITY[r.result] > SEVERITY[w] ? r.result : w), 'not-applicable');
}

/** Conformity of a cluster with a regulation profile, coloured by the worst result; live for a changing geometry. */
export function ConformityPanel({ clusterId, geometry, attributes, profile, onShowEvidence, onResult, debounceMs = 400 }: ConformityPanelProps) {
  const { locale } = useLocale();
  const [report, setReport] = useState<ConformityResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const onResultRef = useRef(onResult);
  onResultRef.current = onResult;
  const key = JSON.stringify({ clusterId, geometry, attributes, profile });

  useEffect(() => {
    if (!clusterId && !geometry) {
      setReport(null);
      onResultRef.current?.(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      setLoading(true);
      setError(null);
      try {
        const data = clusterId
          ? await getJson<ConformityResponse>(withQuery(`/api/clusters/${encodeURIComponent(clusterId)}/conformity`, { profile: profile ?? undefined }), { signal: controller.signal })
          : await postJson<ConformityResponse>('/api/analysis/check', { geometry, attributes: attributes ?? {}, profile: profile ?? undefined }, { signal: controller.signal });
        setReport(data);
        onResultRef.current?.(data);
      } catch (err) {
        if ((err as Error).name === 'AbortError') return;
        setReport(null);
        setError(err instanceof ApiError ? err.message : String(err));
      } finally {
        if (!controller.signal.aborted) setLoading(false);
      }
    }, clusterId ? 0 : debounceMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, debounceMs]);

  const worst = report ? (report.worst ?? worstOf(report.results)) : null;
  const vi = locale === 'vi';
  return (
    <section className={`conformity conformity--${worst ?? 'none'}`} aria-busy={loading} data-worst={worst ?? ''}>
      <header className="conformity__header">
        <h3>{vi ? 'Kiểm tra tính phù hợp' : 'Conformity check'}</h3>
        {report && (
          <span className="conformity__summary">
            {OUTCOME_LABELS[worst!].icon} {OUTCOME_LABELS[worst!][locale]} · {report.profile}
          </span>
        )}
      </header>
      {loading && !report && <p className="conformity__note">{vi ? 'Đang kiểm tra…' : 'Checking…'}</p>}
      {error && <p className="conformity__error" role="alert">{error}</p>}
      {report?.areas && (
        <p className="conformity__note">
          {vi ? 'Diện tích' : 'Area'}: {report.areas.area_ha.toLocaleString(vi ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 2 })} ha
          {report.areas.area_ha_vn2000 !== null && ` (VN-2000 EPSG:${report.areas.vn2000_epsg}: ${report.areas.area_ha_vn2000.toLocaleString(vi ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 2 })} ha)`}
        </p>
      )}
      {report && (
        <ul className="conformity__list">
          {report.results.map((r) => (
            <li key={r.rule} className={`conformity__rule conformity__rule--${r.result}`} data-rule={r.rule} data-result={r.result}>
              <span className="conformity__icon" aria-label={OUTCOME_LABELS[r.result][locale]}>{OUTCOME_LABELS[r.result].icon}</span>
              <div className="conformity__body">
                <strong>{RULE_LABELS[r.rule]?.[locale] ?? r.rule}</strong>
                <span>{vi ? r.message : (r.message_en ?? r.message)}</span>
                {r.source && <small className="conformity__source">{r.source}</small>}
                {(r.result === 'fail' || r.result === 'warn') && SPATIAL_RULES.has(r.rule) && onShowEvidence && (
                  <button type="button" className="button button--ghost conformity__evidence" onClick={() => onShowEvidence(r)}>
                    {vi ? 'Xem trên bản đồ' : 'Show on map'}
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export default ConformityPanel;
