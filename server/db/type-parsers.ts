/**
 * Both drivers parse results the same way, so repositories never see driver differences:
 * numeric and int8 become numbers (our values are far below 2^53), date stays 'YYYY-MM-DD'.
 */
export const PG_TYPE_OIDS = { int8: 20, numeric: 1700, date: 1082 } as const;

export const sharedTypeParsers: Record<number, (value: string) => unknown> = {
  [PG_TYPE_OIDS.int8]: (value) => Number(value),
  [PG_TYPE_OIDS.numeric]: (value) => Number(value),
  [PG_TYPE_OIDS.date]: (value) => value,
};
