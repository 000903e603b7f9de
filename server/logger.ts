import pino from 'pino';
import type { LogLevel } from './config.ts';

export type Logger = pino.Logger;

/** Structured JSON logs on stdout (one object per line), ready for any log shipper. */
export function createLogger(level: LogLevel = 'info'): Logger {
  return pino({ level, base: { app: 'cluster-atlas' }, timestamp: pino.stdTimeFunctions.isoTime });
}
