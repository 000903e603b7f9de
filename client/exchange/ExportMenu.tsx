import { useState } from 'react';
import { defineDict, useT } from '../i18n/index.tsx';

const dict = defineDict({
  vi: { export: 'Xuất dữ liệu', crs: 'Hệ tọa độ', wgs84: 'WGS 84 (kinh độ/vĩ độ)', vn2000: 'VN-2000 của tỉnh (EPSG:{epsg})', kmlNote: 'KML/KMZ luôn ở WGS 84.' },
  en: { export: 'Export', crs: 'Coordinate system', wgs84: 'WGS 84 (lon/lat)', vn2000: 'Province VN-2000 (EPSG:{epsg})', kmlNote: 'KML/KMZ are always WGS 84.' },
});

const FORMATS = [
  ['geojson', 'GeoJSON'],
  ['kml', 'KML (Google Earth)'],
  ['kmz', 'KMZ'],
  ['shp.zip', 'Shapefile (.zip)'],
  ['csv', 'CSV (Excel)'],
  ['gpkg', 'GeoPackage (QGIS)'],
  ['fgb', 'FlatGeobuf'],
] as const;

export interface ExportMenuProps {
  /** clusters | residential-zones | facilities */
  layer?: string;
  /** limits the export to these provinces (GSO codes) */
  provinces?: string[];
  /** the province's VN-2000 zone, offered as a CRS choice */
  vn2000Epsg?: number | null;
  className?: string;
}

/** A drop-down of download links to /api/exports/{layer}.{format}?crs=&province= (embed it on layer panels and the public map). */
export function ExportMenu({ layer = 'clusters', provinces, vn2000Epsg, className }: ExportMenuProps) {
  const t = useT(dict);
  const [crs, setCrs] = useState('EPSG:4326');
  const href = (format: string) => {
    const q = new URLSearchParams();
    const kml = format === 'kml' || format === 'kmz';
    if (!kml && crs !== 'EPSG:4326') q.set('crs', crs);
    if (provinces?.length) q.set('province', provinces.join(','));
    const s = q.toString();
    return `/api/exports/${layer}.${format}${s ? `?${s}` : ''}`;
  };
  return (
    <details className={className ?? 'export-menu'} data-testid="export-menu">
      <summary>{t('export')}</summary>
      <div style={{ display: 'flex', flexDirection: 'column', gap: 4, padding: 8, background: '#fff', border: '1px solid #d9dee5', borderRadius: 6 }}>
        <label style={{ fontSize: '0.85rem' }}>
          {t('crs')}{' '}
          <select value={crs} onChange={(e) => setCrs(e.target.value)}>
            <option value="EPSG:4326">{t('wgs84')}</option>
            {vn2000Epsg ? <option value={`EPSG:${vn2000Epsg}`}>{t('vn2000', { epsg: vn2000Epsg })}</option> : null}
            <option value="EPSG:3405">VN-2000 / UTM 48N (EPSG:3405)</option>
            <option value="EPSG:3406">VN-2000 / UTM 49N (EPSG:3406)</option>
          </select>
        </label>
        {FORMATS.map(([f, label]) => (
          <a key={f} href={href(f)} download>
            {label}
          </a>
        ))}
        <small style={{ color: '#666' }}>{t('kmlNote')}</small>
      </div>
    </details>
  );
}
