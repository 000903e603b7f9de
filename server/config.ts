import path from 'node:path';
import { ANONYMOUS_ANALYSIS_PER_MINUTE } from './domain/limits.ts';
import { projectRoot } from './paths.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  /** Optional hot standby for public reads (server/db/read-routing.ts); needs databaseUrl. */
  databaseReadUrl?: string;
  basemapStyleUrl?: string;
  logLevel: LogLevel;
  /** Password of the demo accounts seeded on a new embedded database. */
  demoPassword: string;
  /** Anonymous geometry checks and proximity analyses per address and minute, per instance. */
  anonymousAnalysisPerMinute: number;
  /** Secure cookies when served over HTTPS behind a proxy. */
  secureCookies: boolean;
  /** 'auto' uses ST_AsMVT where PostGIS has it; 'js' forces the JavaScript encoder. */
  tileEncoder: 'auto' | 'js';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n- ${problems.join('\n- ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once at start-up; nothing else reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const portText = env.PORT ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 0 || port > 65535) problems.push(`PORT must be an integer 0-65535, got "${portText}"`);

  const logLevel = (env.LOG_LEVEL ?? 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must start with postgres:// or postgresql://');

  const databaseReadUrl = env.DATABASE_READ_URL?.trim() || undefined;
  if (databaseReadUrl && !/^postgres(ql)?:\/\//.test(databaseReadUrl)) problems.push('DATABASE_READ_URL must start with postgres:// or postgresql://');
  else if (databaseReadUrl && !databaseUrl) problems.push('DATABASE_READ_URL needs DATABASE_URL: a read standby replicates a native primary (the embedded database has none)');

  const basemapStyleUrl = env.BASEMAP_STYLE_URL?.trim() || undefined;
  if (basemapStyleUrl) {
    try {
      const u = new URL(basemapStyleUrl);
      if (!['http:', 'https:'].includes(u.protocol)) throw new Error('protocol');
    } catch {
      problems.push(`BASEMAP_STYLE_URL must be an http(s) URL, got "${basemapStyleUrl}"`);
    }
  }

  const tileEncoder = (env.TILE_ENCODER ?? 'auto') as 'auto' | 'js';
  if (!['auto', 'js'].includes(tileEncoder)) problems.push(`TILE_ENCODER must be auto or js, got "${env.TILE_ENCODER}"`);

  const anonymousAnalysisPerMinute = env.ANONYMOUS_ANALYSIS_PER_MINUTE === undefined ? ANONYMOUS_ANALYSIS_PER_MINUTE : Number(env.ANONYMOUS_ANALYSIS_PER_MINUTE);
  if (!Number.isInteger(anonymousAnalysisPerMinute) || anonymousAnalysisPerMinute < 1) {
    problems.push(`ANONYMOUS_ANALYSIS_PER_MINUTE must be a positive integer, got "${env.ANONYMOUS_ANALYSIS_PER_MINUTE}"`);
  }

  if (problems.length) throw new ConfigError(problems);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: path.resolve(projectRoot, env.DATA_DIR ?? 'data'),
    databaseUrl,
    databaseReadUrl,
    basemapStyleUrl,
    logLevel,
    demoPassword: env.DEMO_PASSWORD ?? 'demo-password',
    anonymousAnalysisPerMinute,
    secureCookies: env.SECURE_COOKIES === 'true',
    tileEncoder,
  };
}
