import { useEffect, useId, useMemo, useState } from 'react';
import { TEXT_FIELD_MAX_CHARS } from '@domain/limits';
import {
  CLUSTER_STATUSES,
  HAZARD_CLASSES,
  PLAN_PHASES,
  WASTEWATER_STATES,
  labels,
  occupancyPct,
  validateClusterAttributes,
  type AttributeIssue,
  type ClusterAttributeField,
} from '@domain/cluster-attributes';
import { BOUNDARY_STATUSES } from '@domain/boundary';
import { provinces2009Of } from '@domain/admin-division';
import { getJson } from '../api/http.ts';
import { DivisionFacts } from './DivisionFacts.tsx';
import { useFormatNumber, useLocale, useT } from '../i18n/index.tsx';
import { parseNumber, propertiesFromModel, type FormModel } from './attribute-model.ts';
import { clusterDict } from './i18n.ts';
import './clusters.css';

interface District {
  code: string;
  name: string;
}

const districtCache = new Map<string, Promise<District[]>>();
/**
 * Districts were abolished on 1 July 2025: the districts of a 2025 unit are those of the 63-province provinces it
 * absorbed (asked with era=2009, so "15" is never read as old Yên Bái alone).
 */
function loadDistricts(unit: string): Promise<District[]> {
  let hit = districtCache.get(unit);
  if (!hit) {
    const olds = provinces2009Of(unit);
    hit = Promise.all(olds.map((old) => getJson<District[]>(`/api/provinces/${encodeURIComponent(old)}/districts?era=2009`)))
      .then((lists) => lists.flat())
      .catch((err) => {
        districtCache.delete(unit);
        throw err;
      });
    districtCache.set(unit, hit);
  }
  return hit;
}

export interface AttributeFormProps {
  value: FormModel;
  onChange(next: FormModel): void;
  /** Planners and reviewers work in one province: the field is shown but fixed. */
  provinceLocked?: boolean;
  readOnly?: boolean;
  /** Field issues from the server (422/400 details), shown next to the fields. */
  serverIssues?: AttributeIssue[];
  /** What the server derived from the saved boundary: the old province and the 2025 communes. */
  derived?: { province_code_2009?: string | null; commune_codes?: string[] | null } | null;
}

/** Live validation with the shared validator, so the form and the server agree. */
export function useAttributeValidation(value: FormModel) {
  return useMemo(() => validateClusterAttributes(propertiesFromModel(value)), [value]);
}

export function AttributeForm({ value, onChange, provinceLocked, readOnly, serverIssues, derived }: AttributeFormProps) {
  const t = useT(clusterDict);
  const { locale } = useLocale();
  const fmt = useFormatNumber();
  const idBase = useId();
  const validation = useAttributeValidation(value);
  const [districts, setDistricts] = useState<District[] | null>(null);
  const province = typeof value.province_code === 'string' ? value.province_code.trim() : '';

  useEffect(() => {
    if (!/^\d{2}$/.test(province)) {
      setDistricts(null);
      return;
    }
    let live = true;
    loadDistricts(province)
      .then((d) => live && setDistricts(d))
      .catch(() => live && setDistricts(null));
    return () => {
      live = false;
    };
  }, [province]);

  const issuesFor = (f: string) => [
    ...validation.errors.filter((e) => e.field === f),
    ...(serverIssues ?? []).filter((e) => e.field === f),
  ];
  const label = (f: ClusterAttributeField) => labels.fields[f][locale];
  const set = (f: ClusterAttributeField, v: string | boolean) => onChange({ ...value, [f]: v });
  const id = (f: string) => `${idBase}-${f}`;

  const field = (f: ClusterAttributeField, input: React.ReactNode, hint?: string) => {
    const issues = issuesFor(f);
    return (
      <div className={`form__field ca-field${issues.length ? ' ca-field--invalid' : ''}`} key={f}>
        <label className="form__label" htmlFor={id(f)}>
          {label(f)}
          {f === 'name' && <span className="ca-required"> ({t('form.required')})</span>}
        </label>
        {input}
        {hint && <span className="ca-hint">{hint}</span>}
        {issues.map((i, k) => (
          <span className="ca-field__error" role="alert" key={k}>
            {locale === 'vi' ? i.message : i.message_en}
          </span>
        ))}
      </div>
    );
  };

  const text = (f: ClusterAttributeField, extra: React.InputHTMLAttributes<HTMLInputElement> = {}, hint?: string) =>
    field(
      f,
      <input
        id={id(f)}
        name={f}
        className="input"
        value={String(value[f] ?? '')}
        readOnly={readOnly}
        aria-invalid={issuesFor(f).length > 0 || undefined}
        onChange={(e) => set(f, e.target.value)}
        maxLength={TEXT_FIELD_MAX_CHARS[f]}
        {...extra}
      />,
      hint,
    );

  const number = (f: ClusterAttributeField, integer = false) =>
    text(f, { inputMode: integer ? 'numeric' : 'decimal', autoComplete: 'off' });

  const select = (f: ClusterAttributeField, options: readonly string[], optionLabel: (o: string) => string) =>
    field(
      f,
      <select
        id={id(f)}
        name={f}
        className="input input--select"
        value={String(value[f] ?? '')}
        disabled={readOnly}
        onChange={(e) => set(f, e.target.value)}
      >
        <option value="">{t('form.unset')}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {optionLabel(o)}
          </option>
        ))}
      </select>,
    );

  const checkbox = (f: ClusterAttributeField) => (
    <label className="ca-check" key={f}>
      <input type="checkbox" name={f} checked={value[f] === true} disabled={readOnly} onChange={(e) => set(f, e.target.checked)} />
      <span>{label(f)}</span>
    </label>
  );

  const leased = parseNumber(String(value.leased_ha ?? ''));
  const industrial = parseNumber(String(value.industrial_land_ha ?? ''));
  const occupancy = typeof leased === 'number' && typeof industrial === 'number' ? occupancyPct(leased, industrial) : null;
  const pick = <K extends string>(map: Record<K, { vi: string; en: string }>) => (o: string) => map[o as K]?.[locale] ?? o;

  return (
    <fieldset className="ca-form" disabled={readOnly}>
      <legend className="visually-hidden">{t('form.title')}</legend>
      <h3 className="ca-group">{t('form.groupIdentity')}</h3>
      {text('name', { required: true, autoComplete: 'off' })}
      {text('code', { autoComplete: 'off' }, t('form.codeHint'))}
      <div className="ca-row">
        {text('province_code', { readOnly: readOnly || provinceLocked, inputMode: 'numeric', maxLength: 2 })}
        {districts
          ? field(
              'district_code',
              <select
                id={id('district_code')}
                name="district_code"
                className="input input--select"
                value={String(value.district_code ?? '')}
                onChange={(e) => set('district_code', e.target.value)}
              >
                <option value="">{t('form.chooseDistrictOld')}</option>
                {districts.map((d) => (
                  <option key={d.code} value={d.code}>
                    {d.name} ({d.code})
                  </option>
                ))}
              </select>,
            )
          : text('district_code', { inputMode: 'numeric', maxLength: 3 })}
      </div>
      <DivisionFacts provinceCode={province || null} provinceCode2009={derived?.province_code_2009 ?? null} communeCodes={derived?.commune_codes ?? null} />
      {text('communes', {}, t('form.listHint'))}
      {select('status', CLUSTER_STATUSES, pick(labels.status))}

      <h3 className="ca-group">{t('form.groupDecision')}</h3>
      <div className="ca-row">
        {text('decision_no')}
        {text('decision_date', { type: 'date' })}
      </div>
      {text('decision_authority')}
      {select('plan_phase', PLAN_PHASES, pick(labels.plan_phase))}

      <h3 className="ca-group">{t('form.groupAreas')}</h3>
      <div className="ca-row">
        {select('boundary_status', BOUNDARY_STATUSES, pick(labels.boundary_status))}
        {number('declared_area_ha')}
      </div>
      <div className="ca-row">
        {number('planned_area_ha')}
        {number('industrial_land_ha')}
      </div>
      <div className="ca-row">
        {number('leased_ha')}
        <div className="form__field ca-field">
          <span className="form__label">{label('occupancy_pct')}</span>
          <output className="ca-output" name="occupancy_pct">
            {occupancy === null ? '—' : `${fmt(occupancy, { maximumFractionDigits: 1 })} %`}
          </output>
          <span className="ca-hint">{t('form.occupancyAuto')}</span>
        </div>
      </div>

      <h3 className="ca-group">{t('form.groupOperation')}</h3>
      {text('investor')}
      <div className="ca-row">
        {number('tenants', true)}
        {number('workers', true)}
      </div>
      {text('industries', {}, t('form.listHint'))}
      {number('investment_capital_bn_vnd')}
      <div className="ca-checks">
        {checkbox('craft_village')}
        {checkbox('mountainous_district')}
      </div>

      <h3 className="ca-group">{t('form.groupEnvironment')}</h3>
      <div className="ca-row">
        {select('wastewater', WASTEWATER_STATES, pick(labels.wastewater))}
        {select('hazard_class', HAZARD_CLASSES, pick(labels.hazard_class))}
      </div>
    </fieldset>
  );
}
