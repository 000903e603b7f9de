import { BadRequestException, NotFoundException } from '../errors.ts';
import { ERAS, parseEraValue, type Era } from '../domain/admin-division.ts';
import type { GeographyRepository } from './geography.repository.ts';

const PROVINCE_CODE = /^[0-9]{2}$/;
const BBOX_MAX_DEG = 2;

/** `era` query parameter: absent means the current division (2025, the 34 units); `2009` the 63 provinces. */
export function parseEra(value: unknown): Era {
  const era = parseEraValue(value);
  if (era) return era;
  throw new BadRequestException(`era must be 2025 (the 34 units, default) or 2009 (the 63 provinces), got "${String(value)}"`, { parameter: 'era', allowed: ERAS }, 'invalid-era');
}

export class GeographyService {
  constructor(private readonly repository: GeographyRepository) {}

  listRegions() {
    return this.repository.listRegions();
  }

  provinces(era: Era) {
    return this.repository.provincesFeatureCollection(era);
  }

  async province(era: Era, code: string, fullGeometry: boolean): Promise<string> {
    if (!PROVINCE_CODE.test(code)) throw new NotFoundException(`Unknown province "${code}": codes are 2-digit GSO codes`, { code, era }, 'province-not-found');
    const body = await this.repository.provinceFeature(era, code, fullGeometry);
    if (!body) throw new NotFoundException(`Unknown province "${code}" in the ${era} division`, { code, era }, 'province-not-found');
    return body;
  }

  /** Districts exist only in the 2009 division (abolished on 1 July 2025). */
  async districts(era: Era, provinceCode: string) {
    if (era !== '2009') {
      throw new NotFoundException('Districts were abolished on 1 July 2025: ask with era=2009 for a 63-province code, or list the communes of a 2025 unit', { code: provinceCode, era }, 'no-districts-in-era');
    }
    if (!(await this.repository.provinceExists(provinceCode))) {
      throw new NotFoundException(`Unknown province "${provinceCode}" in the 2009 division`, { code: provinceCode, era }, 'province-not-found');
    }
    return (await this.repository.listDistricts(provinceCode)).map((d) => ({ ...d, province_code_2009: d.province_code, era: '2009' as const }));
  }

  /** The communes of a 2025 unit (no geometry): for pickers and attribute display. */
  async communes(provinceCode: string) {
    if (!PROVINCE_CODE.test(provinceCode) || !(await this.repository.unitExists(provinceCode))) {
      throw new NotFoundException(`Unknown provincial unit "${provinceCode}" in the 2025 division`, { code: provinceCode, era: '2025' }, 'province-not-found');
    }
    return { era: '2025' as const, province_code: provinceCode, communes: await this.repository.listCommunes(provinceCode) };
  }

  /** Commune boundaries in a bbox (at most 2° a side), for the map when zoomed in. */
  communesInBbox(bboxRaw: unknown) {
    const parts = String(bboxRaw ?? '').split(',').map(Number);
    if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)) || parts[0]! > parts[2]! || parts[1]! > parts[3]!) {
      throw new BadRequestException('bbox must be minLon,minLat,maxLon,maxLat', { bbox: bboxRaw }, 'invalid-query');
    }
    if (parts[2]! - parts[0]! > BBOX_MAX_DEG || parts[3]! - parts[1]! > BBOX_MAX_DEG) {
      throw new BadRequestException(`bbox must be at most ${BBOX_MAX_DEG}° a side for communes`, { bbox: bboxRaw }, 'bbox-too-large');
    }
    return this.repository.communesFeatureCollection(parts as [number, number, number, number]);
  }
}
