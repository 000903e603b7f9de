import { BadRequestException, NotFoundException } from '../errors.ts';
import type { Era, GeographyRepository } from './geography.repository.ts';

const ERAS: readonly Era[] = ['2009', '2025'];
const PROVINCE_CODE = /^[0-9]{2}$/;

export function parseEra(value: unknown): Era {
  if (value === undefined || value === '') return '2009';
  if (typeof value === 'string' && (ERAS as readonly string[]).includes(value)) return value as Era;
  throw new BadRequestException(`era must be 2009 or 2025, got "${String(value)}"`, { parameter: 'era', allowed: ERAS }, 'invalid-era');
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

  async districts(provinceCode: string) {
    if (!(await this.repository.provinceExists(provinceCode))) {
      throw new NotFoundException(`Unknown province "${provinceCode}"`, { code: provinceCode }, 'province-not-found');
    }
    return this.repository.listDistricts(provinceCode);
  }
}
