/**
 * Renders a periodic report as CSV (summary table, UTF-8 with BOM so Excel shows Vietnamese),
 * XLSX (exceljs: summary, provinces or clusters, changes; Vietnamese headers) and printable
 * A4 HTML with an inline SVG map of the province outlines and all tables.
 */
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { labels } from '../domain/cluster-attributes.ts';
import { boundaryStatusLabels } from '../domain/boundary.ts';
import type { ChangeItem, PeriodicReport, ReportCluster, ReportRow } from './reports.service.ts';

type RowKey = Exclude<keyof ReportRow, never>;

/** Summary columns with their Vietnamese headers, in the order of the Ministry's form. */
export const SUMMARY_COLUMNS: readonly { key: RowKey; header: string; unit?: 'ha' | '%' }[] = [
  { key: 'code', header: 'Mã' },
  { key: 'name', header: 'Vùng / Tỉnh, thành phố' },
  { key: 'planned_count', header: 'Số CCN theo quy hoạch' },
  { key: 'established_count', header: 'Số CCN đã thành lập' },
  { key: 'operating_count', header: 'Số CCN đang hoạt động' },
  { key: 'planned_ha', header: 'Diện tích quy hoạch (ha)', unit: 'ha' },
  { key: 'established_ha', header: 'Diện tích đã thành lập (ha)', unit: 'ha' },
  { key: 'industrial_land_ha', header: 'Diện tích đất công nghiệp (ha)', unit: 'ha' },
  { key: 'leased_ha', header: 'Diện tích đất đã cho thuê (ha)', unit: 'ha' },
  { key: 'occupancy_pct', header: 'Tỷ lệ lấp đầy (%)', unit: '%' },
  { key: 'tenants', header: 'Số doanh nghiệp thứ cấp' },
  { key: 'workers', header: 'Số lao động' },
  { key: 'investment_capital_bn_vnd', header: 'Vốn đầu tư hạ tầng (tỷ đồng)' },
  { key: 'wastewater_operating', header: 'Số CCN có trạm xử lý nước thải tập trung đang vận hành' },
  { key: 'nonconforming_count', header: 'Số CCN chưa phù hợp quy định' },
  { key: 'no_boundary_count', header: 'Số CCN chưa có ranh giới' },
  { key: 'provisional_count', header: 'Số CCN có ranh giới tạm' },
];

const CLUSTER_COLUMNS: readonly { key: keyof ReportCluster; header: string }[] = [
  { key: 'code', header: 'Mã CCN' },
  { key: 'name', header: 'Tên cụm công nghiệp' },
  { key: 'district_code', header: 'Mã huyện' },
  { key: 'status', header: 'Tình trạng' },
  { key: 'plan_phase', header: 'Giai đoạn quy hoạch' },
  { key: 'planned_area_ha', header: 'Diện tích quy hoạch (ha)' },
  { key: 'area_ha', header: 'Diện tích theo ranh giới (ha)' },
  { key: 'industrial_land_ha', header: 'Đất công nghiệp (ha)' },
  { key: 'leased_ha', header: 'Đất đã cho thuê (ha)' },
  { key: 'occupancy_pct', header: 'Tỷ lệ lấp đầy (%)' },
  { key: 'tenants', header: 'Số doanh nghiệp' },
  { key: 'workers', header: 'Số lao động' },
  { key: 'investment_capital_bn_vnd', header: 'Vốn đầu tư hạ tầng (tỷ đồng)' },
  { key: 'wastewater', header: 'Xử lý nước thải tập trung' },
  { key: 'nonconforming', header: 'Chưa phù hợp quy định' },
  { key: 'boundary_status', header: 'Ranh giới' },
];

const CHANGE_KINDS: readonly { key: keyof PeriodicReport['changes']; title: string; title_en: string }[] = [
  { key: 'new_clusters', title: 'CCN mới bổ sung vào quy hoạch', title_en: 'New clusters' },
  { key: 'established', title: 'CCN thành lập mới', title_en: 'Newly established' },
  { key: 'expansions', title: 'CCN mở rộng', title_en: 'Expansions' },
  { key: 'removals', title: 'CCN đưa ra khỏi quy hoạch', title_en: 'Removed from the plan' },
];

const CHANGE_COLUMNS: readonly { key: keyof ChangeItem | 'kind'; header: string }[] = [
  { key: 'kind', header: 'Loại biến động' },
  { key: 'date', header: 'Ngày phê duyệt' },
  { key: 'code', header: 'Mã CCN' },
  { key: 'name', header: 'Tên cụm công nghiệp' },
  { key: 'province_code', header: 'Mã tỉnh' },
  { key: 'status_before', header: 'Tình trạng đầu kỳ' },
  { key: 'status', header: 'Tình trạng cuối kỳ' },
  { key: 'area_before_ha', header: 'Diện tích đầu kỳ (ha)' },
  { key: 'area_ha', header: 'Diện tích cuối kỳ (ha)' },
];

const statusVi = (s: string | null) => (s && s in labels.status ? labels.status[s as keyof typeof labels.status].vi : (s ?? ''));
const phaseVi = (s: string | null) => (s && s in labels.plan_phase ? labels.plan_phase[s as keyof typeof labels.plan_phase].vi : (s ?? ''));
const wastewaterVi = (s: string | null) => (s && s in labels.wastewater ? labels.wastewater[s as keyof typeof labels.wastewater].vi : (s ?? ''));

function clusterCell(c: ReportCluster, key: keyof ReportCluster): string | number | null {
  const v = c[key];
  if (key === 'status') return statusVi(c.status);
  if (key === 'plan_phase') return phaseVi(c.plan_phase);
  if (key === 'wastewater') return wastewaterVi(c.wastewater);
  if (key === 'nonconforming') return c.nonconforming ? 'Có' : 'Không';
  if (key === 'boundary_status') return boundaryStatusLabels[c.boundary_status]?.vi ?? c.boundary_status;
  return v as string | number | null;
}

function changeRows(report: PeriodicReport): (string | number | null)[][] {
  const out: (string | number | null)[][] = [];
  for (const kind of CHANGE_KINDS) {
    for (const ch of report.changes[kind.key]) {
      out.push(
        CHANGE_COLUMNS.map((col) => {
          if (col.key === 'kind') return kind.title;
          if (col.key === 'status' || col.key === 'status_before') return statusVi(ch[col.key]);
          return ch[col.key] as string | number | null;
        }),
      );
    }
  }
  return out;
}

export function reportFileName(report: PeriodicReport, ext: string): string {
  const scope = report.scope.province_code ? `tinh-${report.scope.province_code}` : 'toan-quoc';
  return `bao-cao-ccn-${report.period.id}-${scope}.${ext}`;
}

/** The summary table: one row per region (nationwide) or the province, then the total (nationwide). */
export function renderCsv(report: PeriodicReport): string {
  const rows: unknown[][] = [SUMMARY_COLUMNS.map((c) => c.header)];
  for (const r of report.rows) rows.push(SUMMARY_COLUMNS.map((c) => r[c.key] ?? ''));
  if (report.scope.level === 'national') rows.push(SUMMARY_COLUMNS.map((c) => (c.key === 'name' ? 'Tổng cộng' : (report.total[c.key] ?? ''))));
  return '\uFEFF' + stringify(rows, { record_delimiter: '\r\n' });
}

export async function renderXlsx(report: PeriodicReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Cluster Atlas';
  wb.created = new Date(report.generated_at);

  const title = `Báo cáo tình hình phát triển cụm công nghiệp — ${report.scope.name} — ${report.period.label}`;
  const summary = wb.addWorksheet('Tổng hợp', { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true } });
  summary.addRow([title]).font = { bold: true, size: 13 };
  summary.addRow([`Số liệu tại ngày ${report.as_of} (phiên bản đã phê duyệt có hiệu lực cuối kỳ)`]);
  summary.addRow([]);
  const header = summary.addRow(SUMMARY_COLUMNS.map((c) => c.header));
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle' };
  for (const r of report.rows) summary.addRow(SUMMARY_COLUMNS.map((c) => r[c.key]));
  if (report.scope.level === 'national') {
    summary.addRow(SUMMARY_COLUMNS.map((c) => (c.key === 'name' ? 'Tổng cộng' : report.total[c.key]))).font = { bold: true };
  }
  summary.columns.forEach((col, i) => (col.width = i === 1 ? 34 : 16));
  SUMMARY_COLUMNS.forEach((c, i) => {
    if (c.unit) summary.getColumn(i + 1).numFmt = '#,##0.00';
  });

  if (report.scope.level === 'national') {
    const ws = wb.addWorksheet('Theo tỉnh');
    ws.addRow(SUMMARY_COLUMNS.map((c) => (c.key === 'name' ? 'Tỉnh, thành phố' : c.header))).font = { bold: true };
    for (const r of report.provinces) ws.addRow(SUMMARY_COLUMNS.map((c) => r[c.key]));
    ws.columns.forEach((col, i) => (col.width = i === 1 ? 30 : 14));
  } else {
    const ws = wb.addWorksheet('Danh sách CCN');
    ws.addRow(CLUSTER_COLUMNS.map((c) => c.header)).font = { bold: true };
    for (const c of report.clusters) ws.addRow(CLUSTER_COLUMNS.map((col) => clusterCell(c, col.key)));
    ws.columns.forEach((col, i) => (col.width = i === 1 ? 40 : 14));
  }

  const changes = wb.addWorksheet('Biến động trong kỳ');
  changes.addRow(CHANGE_COLUMNS.map((c) => c.header)).font = { bold: true };
  for (const row of changeRows(report)) changes.addRow(row);
  changes.columns.forEach((col, i) => (col.width = i === 3 ? 40 : 16));

  return Buffer.from(await wb.xlsx.writeBuffer());
}

/* ------------------------------------------------------------------ HTML */

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

const VI_NUMBER = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });
const fmt = (v: unknown) => (typeof v === 'number' ? VI_NUMBER.format(v) : v === null || v === undefined ? '–' : esc(v));

export interface MapOutline {
  code: string;
  geometry: string;
}

type Ring = [number, number][];

function ringsOf(geometry: string): Ring[] {
  const g = JSON.parse(geometry) as { type: string; coordinates: unknown };
  if (g.type === 'Polygon') return g.coordinates as Ring[];
  if (g.type === 'MultiPolygon') return (g.coordinates as Ring[][]).flat();
  return [];
}

const MAP_COLORS = ['#eef4fb', '#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c'];

/** An inline SVG map: outlines shaded by established clusters, and cluster dots for a province report. */
export function renderSvgMap(outlines: readonly MapOutline[], values: ReadonlyMap<string, number>, dots: readonly { lon: number; lat: number; established: boolean }[], width = 360): string {
  const rings = outlines.map((o) => ({ code: o.code, rings: ringsOf(o.geometry) }));
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const r of rings) for (const ring of r.rings) for (const [x, y] of ring) {
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  if (!Number.isFinite(minX)) return '';
  const kx = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const spanX = (maxX - minX) * kx || 1;
  const spanY = maxY - minY || 1;
  const height = Math.round((width * spanY) / spanX);
  const px = (x: number) => (((x - minX) * kx) / spanX) * width;
  const py = (y: number) => ((maxY - y) / spanY) * height;
  const max = Math.max(0, ...values.values());
  const color = (v: number) => (max <= 0 || v <= 0 ? MAP_COLORS[0]! : MAP_COLORS[Math.min(MAP_COLORS.length - 1, 1 + Math.floor(((v - 0.0001) / max) * (MAP_COLORS.length - 1)))]!);
  const paths = rings
    .map((r) => {
      const d = r.rings.map((ring) => 'M' + ring.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join('L') + 'Z').join('');
      return `<path d="${d}" fill="${color(values.get(r.code) ?? 0)}" stroke="#555" stroke-width="0.4" data-code="${esc(r.code)}"><title>${esc(r.code)}: ${values.get(r.code) ?? 0}</title></path>`;
    })
    .join('');
  const circles = dots
    .map((d) => `<circle cx="${px(d.lon).toFixed(1)}" cy="${py(d.lat).toFixed(1)}" r="3" fill="${d.established ? '#c0392b' : '#fff'}" stroke="#c0392b" stroke-width="1.2"/>`)
    .join('');
  return `<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Bản đồ">${paths}${circles}</svg>`;
}

function summaryTable(rows: readonly ReportRow[], total: ReportRow | null, unitHeader: string, numbered: boolean): string {
  const cols = SUMMARY_COLUMNS.filter((c) => !(numbered && c.key === 'code'));
  const cell = (c: (typeof SUMMARY_COLUMNS)[number], v: unknown) => `<td${c.key === 'name' || c.key === 'code' ? '' : ' class="n"'}>${fmt(v)}</td>`;
  const head = (numbered ? '<th>STT</th>' : '') + cols.map((c) => `<th>${esc(c.key === 'name' ? unitHeader : c.header)}</th>`).join('');
  const body = rows.map((r, i) => `<tr>${numbered ? `<td class="n">${i + 1}</td>` : ''}${cols.map((c) => cell(c, r[c.key])).join('')}</tr>`).join('');
  const foot = total
    ? `<tr class="total">${numbered ? '<td></td>' : ''}${cols.map((c) => (c.key === 'name' ? '<td>Tổng cộng</td>' : c.key === 'code' ? '<td></td>' : cell(c, total[c.key]))).join('')}</tr>`
    : '';
  return `<table class="summary"><thead><tr>${head}</tr></thead><tbody>${body}${foot}</tbody></table>`;
}

export function renderHtml(report: PeriodicReport, outlines: readonly MapOutline[]): string {
  const national = report.scope.level === 'national';
  const values = new Map<string, number>();
  if (national) for (const p of report.provinces) values.set(p.code, p.established_count);
  const dots = national ? [] : report.clusters.filter((c) => c.status !== 'removed').map((c) => ({ lon: c.lon, lat: c.lat, established: ['established', 'operating', 'expanding', 'suspended'].includes(c.status) }));
  const map = renderSvgMap(outlines, values, dots, national ? 300 : 420);
  const legend = national
    ? '<p class="legend">Màu đậm: nhiều CCN đã thành lập hơn.</p>'
    : '<p class="legend"><span class="dot dot--est"></span> Đã thành lập &nbsp; <span class="dot"></span> Trong quy hoạch, chưa thành lập</p>';

  const changes = CHANGE_KINDS.map((kind) => {
    const list = report.changes[kind.key];
    const rows = list.length
      ? list
          .map(
            (c) =>
              `<tr><td>${esc(c.date)}</td><td>${esc(c.code)}</td><td>${esc(c.name)}</td><td>${esc(c.province_code)}</td><td>${esc(statusVi(c.status_before))}</td><td>${esc(statusVi(c.status))}</td><td class="n">${fmt(c.area_before_ha)}</td><td class="n">${fmt(c.area_ha)}</td></tr>`,
          )
          .join('')
      : '<tr><td colspan="8" class="none">Không có</td></tr>';
    return `<h3>${esc(kind.title)} (${list.length})</h3><table><thead><tr><th>Ngày phê duyệt</th><th>Mã CCN</th><th>Tên cụm công nghiệp</th><th>Mã tỉnh</th><th>Tình trạng đầu kỳ</th><th>Tình trạng cuối kỳ</th><th>Diện tích đầu kỳ (ha)</th><th>Diện tích cuối kỳ (ha)</th></tr></thead><tbody>${rows}</tbody></table>`;
  }).join('');

  const annex = national
    ? `<h2>Phụ lục: số liệu theo tỉnh, thành phố</h2>${summaryTable(report.provinces, null, 'Tỉnh, thành phố', false)}`
    : `<h2>Danh sách cụm công nghiệp</h2><table><thead><tr>${CLUSTER_COLUMNS.map((c) => `<th>${esc(c.header)}</th>`).join('')}</tr></thead><tbody>${
        report.clusters.map((c) => `<tr>${CLUSTER_COLUMNS.map((col) => { const v = clusterCell(c, col.key); return `<td${typeof v === 'number' ? ' class="n"' : ''}>${fmt(v)}</td>`; }).join('')}</tr>`).join('') ||
        `<tr><td colspan="${CLUSTER_COLUMNS.length}" class="none">Không có</td></tr>`
      }</tbody></table>`;

  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<title>${esc(`Báo cáo CCN ${report.period.id} — ${report.scope.name}`)}</title>
<style>
@page { size: A4 landscape; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: "Times New Roman", "Noto Serif", serif; font-size: 10.5pt; color: #111; margin: 0 auto; max-width: 273mm; padding: 8mm 0; }
header { text-align: center; margin-bottom: 4mm; }
header .org { display: flex; justify-content: space-between; font-size: 10pt; }
h1 { font-size: 15pt; margin: 4mm 0 1mm; text-transform: uppercase; }
h2 { font-size: 12pt; margin: 5mm 0 2mm; }
h3 { font-size: 11pt; margin: 3mm 0 1mm; }
.meta { font-style: italic; }
.overview { display: flex; gap: 8mm; align-items: flex-start; }
.keyfacts th { text-align: left; background: #f6f6f6; font-weight: normal; font-size: 10pt; }
.keyfacts td { min-width: 30mm; }
table.summary, .annex table { font-size: 9pt; }
.overview .facts { flex: 1; }
.map { max-width: 100%; height: auto; }
table { width: 100%; border-collapse: collapse; margin-bottom: 3mm; page-break-inside: auto; }
tr { page-break-inside: avoid; }
thead { display: table-header-group; }
th, td { border: 0.6pt solid #444; padding: 1mm 1.4mm; vertical-align: top; }
th { background: #eee; font-size: 9pt; }
td.n { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; }
td.none { text-align: center; font-style: italic; color: #555; }
.legend { font-size: 9pt; }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; border: 1.2px solid #c0392b; background: #fff; vertical-align: middle; }
.dot--est { background: #c0392b; }
.provisional { color: #a04000; font-weight: bold; }
@media print { body { padding: 0; } .noprint { display: none; } h2 { page-break-after: avoid; } }
</style></head>
<body>
<header>
  <div class="org"><span>BỘ CÔNG THƯƠNG<br>CỤC CÔNG THƯƠNG ĐỊA PHƯƠNG</span><span>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập – Tự do – Hạnh phúc</span></div>
  <h1>Báo cáo tình hình phát triển cụm công nghiệp</h1>
  <div><strong>${esc(report.scope.name)}</strong> — Kỳ báo cáo: ${esc(report.period.label)}</div>
  <div class="division" data-era="${esc(report.scope.era)}">Địa giới hành chính: ${esc(report.scope.division)}${report.scope.spans_division_change ? ' (kỳ báo cáo có ngày 1/7/2025, khi 34 tỉnh, thành phố mới bắt đầu hoạt động)' : ''}</div>
  <div class="meta">Theo chế độ báo cáo tại Thông tư 14/2024/TT-BCT. Số liệu tính theo các phiên bản đã phê duyệt có hiệu lực đến hết ngày ${esc(report.as_of.split('-').reverse().join('/'))}.</div>
  ${report.provisional ? '<div class="provisional">Kỳ báo cáo chưa kết thúc: số liệu tạm tính.</div>' : ''}
</header>
<section class="overview">
  <div>${map}${legend}</div>
  <div class="facts">
    <h2>Số liệu chính</h2>
    <table class="keyfacts"><tbody>
      <tr><th>Số CCN theo quy hoạch</th><td class="n">${fmt(report.total.planned_count)}</td></tr>
      <tr><th>Số CCN đã thành lập / đang hoạt động</th><td class="n">${fmt(report.total.established_count)} / ${fmt(report.total.operating_count)}</td></tr>
      <tr><th>Tỷ lệ thực hiện quy hoạch (đã thành lập / quy hoạch)</th><td class="n">${
        report.total.planned_count > 0 ? fmt(Math.round((report.total.established_count / report.total.planned_count) * 10000) / 100) + '%' : '–'
      }</td></tr>
      <tr><th>Diện tích quy hoạch / đã thành lập (ha)</th><td class="n">${fmt(report.total.planned_ha)} / ${fmt(report.total.established_ha)}</td></tr>
      <tr><th>Đất công nghiệp / đã cho thuê (ha)</th><td class="n">${fmt(report.total.industrial_land_ha)} / ${fmt(report.total.leased_ha)}</td></tr>
      <tr><th>Tỷ lệ lấp đầy</th><td class="n">${report.total.occupancy_pct === null ? '–' : fmt(report.total.occupancy_pct) + '%'}</td></tr>
      <tr><th>Doanh nghiệp thứ cấp / lao động</th><td class="n">${fmt(report.total.tenants)} / ${fmt(report.total.workers)}</td></tr>
      <tr><th>Vốn đầu tư hạ tầng (tỷ đồng)</th><td class="n">${fmt(report.total.investment_capital_bn_vnd)}</td></tr>
      <tr><th>CCN có trạm xử lý nước thải tập trung đang vận hành</th><td class="n">${fmt(report.total.wastewater_operating)}</td></tr>
      <tr><th>CCN chưa phù hợp quy định</th><td class="n">${fmt(report.total.nonconforming_count)}</td></tr>
      <tr><th>Biến động trong kỳ: mới / thành lập / mở rộng / đưa ra</th><td class="n">${report.changes.new_clusters.length} / ${report.changes.established.length} / ${report.changes.expansions.length} / ${report.changes.removals.length}</td></tr>
    </tbody></table>
  </div>
</section>
<h2>I. Tổng hợp</h2>
${summaryTable(report.rows, national ? report.total : null, national ? 'Vùng kinh tế – xã hội' : 'Tỉnh, thành phố', national)}
<h2>II. Biến động trong kỳ</h2>
${changes}
${annex}
<p class="meta">Lập ngày ${esc(report.generated_at.slice(0, 10))} bởi hệ thống Cluster Atlas.</p>
</body></html>`;
}
