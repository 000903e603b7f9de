import { stringify } from 'csv-stringify/sync';
import type { Queryable } from '../db/database.ts';
import { BadRequestException, NotFoundException } from '../errors.ts';
import { PublicFeaturesRepository, cachedRegions } from './features.repository.ts';
import { catalog, detectLayers, LAYER_IDS, type LayerId, type Licence, type SqlLayer } from './layers.ts';
import { PublicDataRepository } from './public-data.repository.ts';

export type DownloadFormat = 'geojson' | 'csv';
const DOWNLOAD_FILE = /^([a-z-]+)\.(geojson|csv)$/;
const BATCH = 2000;

export interface DownloadInfo {
  layer: LayerId;
  title: string;
  licence: Licence;
  /** when the layer's data last changed (ISO date-time); null when not tracked */
  data_date: string | null;
  formats: Record<DownloadFormat, string>;
}

export interface DownloadPlan {
  layer: LayerId;
  format: DownloadFormat;
  filename: string;
  licence: Licence;
  dataDate: Date | null;
  /** yields the body in chunks, so a large layer streams without being held in memory */
  chunks(): AsyncGenerator<string>;
}

function csvValue(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join('; ');
  if (typeof value === 'object') return JSON.stringify(value);
  return value as string | number | boolean;
}

interface PublicLayerEntry {
  id: LayerId;
  title: string;
  licence: Licence;
  sql: SqlLayer | null;
}

export class PublicDataService {
  private readonly features: PublicFeaturesRepository;
  private readonly repository: PublicDataRepository;

  constructor(private readonly db: Queryable) {
    this.features = new PublicFeaturesRepository(db);
    this.repository = new PublicDataRepository(db);
  }

  private async layers(): Promise<PublicLayerEntry[]> {
    const c = await catalog(this.db);
    return LAYER_IDS.flatMap((id): PublicLayerEntry[] => {
      if (id === 'regions') return [{ id, title: c.regions.title, licence: c.regions.licence, sql: null }];
      const sql = c.layers.get(id);
      return sql ? [{ id, title: sql.title, licence: sql.licence, sql }] : [];
    });
  }

  private async dataDate(layer: LayerId): Promise<Date | null> {
    return (await this.features.layerVersion(layer))?.changed_at ?? null;
  }

  async index(base: string): Promise<{ downloads: DownloadInfo[] }> {
    const layers = await this.layers();
    const downloads: DownloadInfo[] = [];
    for (const l of layers) {
      const date = await this.dataDate(l.id);
      downloads.push({
        layer: l.id,
        title: l.title,
        licence: l.licence,
        data_date: date ? date.toISOString() : null,
        formats: { geojson: `${base}/${l.id}.geojson`, csv: `${base}/${l.id}.csv` },
      });
    }
    return { downloads };
  }

  async download(file: string): Promise<DownloadPlan> {
    const m = DOWNLOAD_FILE.exec(file);
    if (!m) throw new NotFoundException(`Unknown download "${file}": use {layer}.geojson or {layer}.csv`, { layers: LAYER_IDS }, 'download-not-found');
    const layer = (await this.layers()).find((l) => l.id === m[1]);
    if (!layer) throw new NotFoundException(`Unknown or unavailable layer "${m[1]}"`, { layers: LAYER_IDS }, 'download-not-found');
    const format = m[2] as DownloadFormat;
    const dataDate = await this.dataDate(layer.id);
    const generated = new Date();
    const day = (dataDate ?? generated).toISOString().slice(0, 10);
    const rows = layer.sql ? this.sqlRows(layer.sql) : this.regionRows();
    const attributes = layer.sql ? layer.sql.attributes : (await catalog(this.db)).regions.attributes;
    const chunks =
      format === 'geojson'
        ? async function* () {
            const head = {
              type: 'FeatureCollection',
              name: layer.id,
              title: layer.title,
              license: layer.licence.name,
              license_url: layer.licence.url,
              attribution: layer.licence.attribution,
              data_date: dataDate ? dataDate.toISOString() : null,
              generated_at: generated.toISOString(),
            };
            yield `${JSON.stringify(head).slice(0, -1)},"features":[\n`;
            let first = true;
            for await (const batch of rows) {
              yield (first ? '' : ',\n') + batch.map((r) => r.feature).join(',\n');
              first = false;
            }
            yield '\n]}\n';
          }
        : async function* () {
            // BOM so spreadsheet programs read the Vietnamese text as UTF-8
            yield '\uFEFF' + stringify([['id', ...attributes, 'lon', 'lat', 'wkt']]);
            for await (const batch of rows) {
              yield stringify(
                batch.map((r) => {
                  const f = JSON.parse(r.feature) as { id: unknown; properties: Record<string, unknown> };
                  return [csvValue(f.id), ...attributes.map((a) => csvValue(f.properties[a])), r.lon, r.lat, r.wkt];
                }),
              );
            }
          };
    return { layer: layer.id, format, filename: `${layer.id}-${day}.${format}`, licence: layer.licence, dataDate, chunks };
  }

  private async *sqlRows(layer: SqlLayer) {
    let after: string | number | null = null;
    for (;;) {
      const batch = await this.features.downloadRows(layer, after, BATCH);
      if (batch.length === 0) return;
      yield batch;
      if (batch.length < BATCH) return;
      after = batch[batch.length - 1].k;
    }
  }

  private async *regionRows() {
    const regions = await cachedRegions(this.db);
    yield regions.map((r) => ({
      feature: JSON.stringify({ type: 'Feature', id: r.id, geometry: r.geometry, properties: r.properties }),
      lon: Math.round(((r.bbox[0] + r.bbox[2]) / 2) * 1e6) / 1e6,
      lat: Math.round(((r.bbox[1] + r.bbox[3]) / 2) * 1e6) / 1e6,
      // regions are large dissolves: the CSV carries their attributes and centre, not the outline
      wkt: null,
    }));
  }

  async opportunities(query: Record<string, unknown>) {
    const province = typeof query.province === 'string' && query.province !== '' ? query.province : null;
    const industry = typeof query.industry === 'string' && query.industry.trim() !== '' ? query.industry.trim() : null;
    if (query.province !== undefined && typeof query.province !== 'string') throw new BadRequestException('province must be given once');
    if (query.industry !== undefined && typeof query.industry !== 'string') throw new BadRequestException('industry must be given once');
    if (province !== null) {
      if (!/^\d{2}$/.test(province)) throw new BadRequestException(`province must be a 2-digit code of a 2025 provincial unit, got "${province}"`, { parameter: 'province' }, 'invalid-province');
      if (!(await this.repository.provinceExists(province))) throw new NotFoundException(`Unknown provincial unit "${province}" (2025 division)`, { province, era: "2025" }, 'province-not-found');
    }
    const [free, registryPlanned, detection] = await Promise.all([
      this.repository.clustersWithFreeLand(province, industry),
      this.repository.registryWithoutInvestor(province, industry),
      detectLayers(this.db),
    ]);
    let planItems: Awaited<ReturnType<PublicDataRepository['planItemsWithoutCluster']>> = [];
    // plan items carry no industries, so an industry filter leaves them out
    if (detection.planItems && industry === null) {
      planItems = await this.repository.planItemsWithoutCluster(province);
    }
    const contact = (p: { province_name: string }) => ({
      office: `Sở Công Thương ${p.province_name.replace(/^(Tỉnh|Thành phố)\s+/, '')}`,
      office_en: `Department of Industry and Trade, ${p.province_name.replace(/^(Tỉnh|Thành phố)\s+/, '')}`,
    });
    return {
      filters: { province, industry },
      generated_at: new Date().toISOString(),
      clusters_with_free_land: free.map((c) => ({
        ...c,
        infrastructure: { investor: c.investor, wastewater: c.wastewater },
        contact: contact(c),
      })),
      planned_without_investor: [...registryPlanned, ...planItems].map((p) => ({ ...p, contact: contact(p) })),
    };
  }
}
