import { createHash } from 'node:crypto';
import type { BasemapRepository, LabelEra } from './basemap.repository.ts';
import { buildBasemapStyle } from './basemap.style.ts';

/** A response body with its strong ETag, computed once. */
export interface CachedBody {
  body: string;
  etag: string;
}

function withEtag(body: string): CachedBody {
  return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

/**
 * The admin geography never changes after seeding, so every basemap body is computed once per app
 * and kept in memory; concurrent first requests share one query.
 */
export class BasemapService {
  private land?: Promise<CachedBody>;
  private readonly labels = new Map<LabelEra, Promise<CachedBody>>();
  private readonly style = withEtag(JSON.stringify(buildBasemapStyle()));

  constructor(
    private readonly repository: BasemapRepository,
    private readonly basemapStyleUrl: string | null,
  ) {}

  styleJson(): CachedBody {
    return this.style;
  }

  landGeoJson(): Promise<CachedBody> {
    this.land ??= this.remember(this.repository.landFeatureCollection(), () => (this.land = undefined));
    return this.land;
  }

  labelsGeoJson(era: LabelEra): Promise<CachedBody> {
    let cached = this.labels.get(era);
    if (!cached) {
      cached = this.remember(this.repository.labelsFeatureCollection(era), () => this.labels.delete(era));
      this.labels.set(era, cached);
    }
    return cached;
  }

  clientConfig(): { basemapStyleUrl: string | null } {
    return { basemapStyleUrl: this.basemapStyleUrl };
  }

  // a failed query must not stay cached, or one database hiccup would break the map until restart
  private remember(query: Promise<string>, forget: () => void): Promise<CachedBody> {
    return query.then(withEtag, (err: unknown) => {
      forget();
      throw err;
    });
  }
}
